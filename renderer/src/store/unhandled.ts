/**
 * Event handlers start store actions as `void action()`: each action is meant to catch its failures and set its
 * slice's error. One that rejects all the same (an unforeseen failure) is not lost as an unhandled rejection in the
 * console: it lands in the store (`unexpectedError`) and the shell shows it. Only rejections nobody handled arrive
 * here, so a failure an awaiting caller catches is never reported twice.
 */
import { useAppStore } from './index.ts';

export function reportUnhandledRejections(target: EventTarget = window): () => void {
  const onRejection = (e: Event) => {
    e.preventDefault();
    useAppStore.getState().reportUnexpected((e as PromiseRejectionEvent).reason);
  };
  target.addEventListener('unhandledrejection', onRejection);
  return () => target.removeEventListener('unhandledrejection', onRejection);
}
