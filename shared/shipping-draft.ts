/** The shipping form (SPEC decision 5) as pure data: the console's Shipping page and `obc diskprep` both validate and map it. */
import {
  checkCarrier,
  checkCarrierAccountNumber,
  checkShippingContact,
  type ShippingContact,
} from './validators/shipping.ts';
import type { ShippingDefaults } from './contract/shipping.ts';

/** Every field of the shipping form (SPEC decision 5) as the user types it. */
export type ShippingDraft = { [K in keyof ShippingDefaults]-?: NonNullable<ShippingDefaults[K]> };
export type ShippingField = keyof ShippingDraft;
export type ShippingErrors = Partial<Record<ShippingField, string>>;

export const SHIPPING_FIELDS: readonly ShippingField[] = [
  'contactName',
  'phone',
  'email',
  'streetAddress1',
  'streetAddress2',
  'city',
  'stateOrProvince',
  'postalCode',
  'countryOrRegion',
  'carrierName',
  'carrierAccountNumber',
];

/** Field names as the user reads them (the console's form and the CLI's prompts). */
export const SHIPPING_LABELS: Readonly<Record<ShippingField, string>> = {
  contactName: 'Contact name',
  phone: 'Phone',
  email: 'Email',
  streetAddress1: 'Street address',
  streetAddress2: 'Street address line 2 (optional)',
  city: 'City',
  stateOrProvince: 'State or province',
  postalCode: 'Postal code',
  countryOrRegion: 'Country or region',
  carrierName: 'Return carrier',
  carrierAccountNumber: 'Carrier account number',
};

export const emptyShippingDraft = (): ShippingDraft => ({
  contactName: '',
  phone: '',
  email: '',
  streetAddress1: '',
  streetAddress2: '',
  city: '',
  stateOrProvince: '',
  postalCode: '',
  countryOrRegion: '',
  carrierName: '',
  carrierAccountNumber: '',
});

/** Problems per field, with the shared validators; `carriers` = the datacenter's supported carriers. */
export function validateShipping(d: ShippingDraft, carriers: readonly string[]): ShippingErrors {
  const out: ShippingErrors = { ...checkShippingContact(d) };
  const c = checkCarrier(d.carrierName, carriers);
  if (c) out.carrierName = c;
  if (!d.carrierAccountNumber.trim()) out.carrierAccountNumber = 'Carrier account number is required.';
  else {
    const a = checkCarrierAccountNumber(d.carrierAccountNumber);
    if (a) out.carrierAccountNumber = a;
  }
  return out;
}

/** The return address as the Azure contract takes it (line 2 only when given). */
export function toReturnAddress(d: ShippingDraft): ShippingContact {
  const t = (s: string) => s.trim();
  return {
    contactName: t(d.contactName),
    phone: t(d.phone),
    email: t(d.email),
    streetAddress1: t(d.streetAddress1),
    ...(t(d.streetAddress2) ? { streetAddress2: t(d.streetAddress2) } : {}),
    city: t(d.city),
    stateOrProvince: t(d.stateOrProvince),
    postalCode: t(d.postalCode),
    countryOrRegion: t(d.countryOrRegion),
  };
}

export const toReturnShipping = (d: ShippingDraft) => ({
  carrierName: d.carrierName.trim(),
  carrierAccountNumber: d.carrierAccountNumber.trim(),
});

export const fromDefaults = (x: ShippingDefaults | null): ShippingDraft => ({
  ...emptyShippingDraft(),
  ...(x ?? {}),
  streetAddress2: x?.streetAddress2 ?? '',
});

export function toDefaults(d: ShippingDraft): ShippingDefaults {
  const { streetAddress2, ...rest } = d;
  return { ...rest, ...(streetAddress2.trim() ? { streetAddress2 } : {}) };
}
