import { join } from 'node:path';
import { shippingDefaultsSchema, type ShippingDefaults } from '../../../shared/contract/shipping.ts';
import { readJsonValidated, writeJsonAtomic } from '../store/atomic.ts';

/** `<dataDir>/shipping-defaults.json`: the last shipping details, offered again by the shipping form. */
export const shippingDefaultsPath = (dataDir: string): string => join(dataDir, 'shipping-defaults.json');

export async function loadShippingDefaults(dataDir: string): Promise<ShippingDefaults | null> {
  const r = await readJsonValidated(shippingDefaultsPath(dataDir), shippingDefaultsSchema, { keepAside: true });
  return r.status === 'ok' ? r.value : null;
}

export async function saveShippingDefaults(dataDir: string, d: ShippingDefaults): Promise<ShippingDefaults> {
  const clean = shippingDefaultsSchema.parse(d);
  await writeJsonAtomic(shippingDefaultsPath(dataDir), clean, 0o600);
  return clean;
}
