import type { KeyboardEvent } from 'react';

/**
 * Keyboard: Enter in a text field of a wizard page moves to the next page when that page is valid (as Next would).
 * Not from buttons, check boxes, radios or fields inside their own form (those handle Enter themselves).
 */
export function enterAdvances(e: KeyboardEvent, canAdvance: boolean, advance: () => void): void {
  if (e.key !== 'Enter' || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
  const el = e.target as HTMLElement;
  if (el.tagName !== 'INPUT') return;
  const type = (el as HTMLInputElement).type;
  if (type === 'checkbox' || type === 'radio' || type === 'button' || type === 'submit' || el.closest('form')) return;
  if (!canAdvance) return;
  e.preventDefault();
  advance();
}
