import { expect, type Locator, type Page } from '@playwright/test';

/** Page object for the Schedule Backup wizard (renderer/src/features/schedule-backup). */
export class ScheduleBackupPage {
  readonly page: Page;
  readonly wizard: Locator;
  readonly next: Locator;
  readonly back: Locator;
  constructor(page: Page) {
    this.page = page;
    this.wizard = page.getByTestId('sb-wizard');
    this.next = page.getByTestId('wizard-next');
    this.back = page.getByTestId('wizard-back');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('action-scheduleBackup').click();
    await expect(this.wizard).toBeVisible();
  }

  async expectStep(step: string): Promise<void> {
    await expect(this.wizard).toHaveAttribute('data-step', step);
  }

  async goNext(to: string): Promise<void> {
    await expect(this.next).toBeEnabled();
    await this.next.click();
    await this.expectStep(to);
  }

  /** Types into a field and leaves it (messages show after touch). */
  async fill(testId: string, value: string): Promise<void> {
    const f = this.page.getByTestId(testId);
    await f.fill(value);
    await f.blur();
  }

  error(testId: string): Locator {
    return this.page.getByTestId(`${testId}-error`);
  }

  /** Bad value → its message and a disabled Next; then the good value clears it. */
  async expectRejected(
    testId: string,
    bad: string,
    message: string | RegExp,
    good: string,
    errorOf = testId,
  ): Promise<void> {
    await this.fill(testId, bad);
    await expect(this.error(errorOf)).toHaveText(message);
    await expect(this.next).toBeDisabled();
    await this.fill(testId, good);
    await expect(this.error(errorOf)).toHaveCount(0);
  }

  /** Keyboard only: presses Tab until the element with `testId` has focus. */
  async tabTo(testId: string, max = 80): Promise<void> {
    for (let i = 0; i < max; i++) {
      const focused = await this.page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
      if (focused === testId) return;
      await this.page.keyboard.press('Tab');
    }
    throw new Error(`${testId} not reachable with Tab within ${max} presses`);
  }
}
