import { expect, type Page } from '@playwright/test';

/** Helpers for the Disk Prep screen (renderer/src/features/prepare-disks) and its shipping form. */

/** Valid return address and carrier account values for the shipping form (field → value). */
export const GOOD_SHIPPING: Readonly<Record<string, string>> = {
  contactName: 'Dana Admin',
  phone: '+1 425 555 0100',
  email: 'dana@contoso.example',
  streetAddress1: '1 Main Street',
  streetAddress2: 'Building 4',
  city: 'Redmond',
  stateOrProvince: 'WA',
  postalCode: '98052',
  carrierAccountNumber: '123456789',
};

/** Fills the shipping form with GOOD_SHIPPING, United States and FedEx; expects no field message left. */
export async function fillShipping(page: Page): Promise<void> {
  for (const [field, value] of Object.entries(GOOD_SHIPPING)) await page.getByTestId(`ship-${field}`).fill(value);
  await page.getByTestId('ship-countryOrRegion').click();
  await page.getByRole('option', { name: 'United States' }).click();
  await page.getByTestId('ship-carrierName').click();
  await page.getByRole('option', { name: 'FedEx' }).click();
  await expect(page.locator('[data-testid$="-error"]')).toHaveCount(0);
}

/** Disks step (or the "needs another disk" prompt): creates a rehearsal folder disk of the given capacity. */
export async function addRehearsalDisk(page: Page, serial: string, capacity: string): Promise<void> {
  await page.getByTestId('dp-add-rehearsal').click();
  await page.getByTestId('dp-rehearsal-serial').fill(serial);
  await page.getByTestId('dp-rehearsal-capacity').fill(capacity);
  await page.getByTestId('dp-rehearsal-create').click();
}

/** The erase confirmation: type the job name and confirm. */
export async function confirmErase(page: Page, job: string): Promise<void> {
  await expect(page.getByTestId('dp-erase-dialog')).toBeVisible();
  await page.getByTestId('dp-erase-confirm-input').fill(job);
  await page.getByTestId('dp-erase-confirm').click();
}
