import { useShallow } from 'zustand/react/shallow';
import { validateStep, type StepErrors, type WizardStep } from '../../../../shared/policy-steps.ts';
import { useAppStore } from '../../store/index.ts';

/** Errors of a page, and a `show(name)` that returns a field's message only once it was touched. */
export function usePageErrors(step: WizardStep): { errors: StepErrors; show: (name: string) => string | undefined } {
  const { data, touched } = useAppStore(
    useShallow((s) => ({ data: s.scheduleBackup.data, touched: s.scheduleBackup.touched })),
  );
  const errors = validateStep(step, data);
  return { errors, show: (name) => (touched[name] ? errors[name] : undefined) };
}

/**
 * A checkbox group's new value after `x` is ticked (`on`) or unticked: always in `order` (weekdays Monday first,
 * months from January), so a policy lists its days the same way whichever box was ticked first.
 */
export const toggleInOrder = <T,>(order: readonly T[], list: readonly T[], x: T, on: boolean): T[] =>
  order.filter((y) => (y === x ? on : list.includes(y)));

/** Props for a Fluent Field showing an error message (with data-testid `<id>-error`) or nothing. */
export const fieldState = (message: string | undefined, id?: string) =>
  message
    ? ({
        validationMessage: id ? <span data-testid={`${id}-error`}>{message}</span> : message,
        validationState: 'error',
      } as const)
    : ({ validationState: 'none' } as const);
