/**
 * Shipping prompts (SPEC.md decision 5) and the delivery package (tracking), as pure checks and zod schemas.
 * Everything is required except street line 2. The return carrier must be one of the location's supported carriers;
 * that list comes from Azure, so `checkCarrier` takes it as an argument.
 */
import { z } from 'zod';
import { checkPostalCodeFor, checkStateFor } from '../address.ts';
import { checkTrackingNumber, normalizeTrackingNumber } from './azure-names.ts';
import { MAX_DISKS_PER_JOB } from '../disks.ts';

export interface ShippingContact {
  contactName: string;
  phone: string;
  email: string;
  streetAddress1: string;
  streetAddress2?: string | undefined;
  city: string;
  stateOrProvince: string;
  postalCode: string;
  countryOrRegion: string;
}

export interface ReturnShippingInput {
  carrierName: string;
  carrierAccountNumber: string;
}

export interface DeliveryPackageInput {
  carrierName: string;
  trackingNumber: string;
  driveCount: number;
  /** YYYY-MM-DD */
  shipDate: string;
}

const LABELS: Record<keyof ShippingContact, string> = {
  contactName: 'Contact name',
  phone: 'Phone',
  email: 'Email',
  streetAddress1: 'Street address',
  streetAddress2: 'Street address line 2',
  city: 'City',
  stateOrProvince: 'State or province',
  postalCode: 'Postal code',
  countryOrRegion: 'Country or region',
};

const MAX: Record<keyof ShippingContact, number> = {
  contactName: 100,
  phone: 40,
  email: 254,
  streetAddress1: 100,
  streetAddress2: 100,
  city: 60,
  stateOrProvince: 60,
  postalCode: 20,
  countryOrRegion: 60,
};

export function checkPhone(v: string): string | null {
  const digits = v.replace(/\D/g, '');
  if (!/^\+?[0-9 ().\-x]+$/i.test(v.trim()) || digits.length < 6 || digits.length > 20)
    return `Phone "${v}" must be a phone number of 6 to 20 digits (spaces, '+', '(', ')', '-', '.' and an 'x' extension allowed).`;
  return null;
}

export function checkEmail(v: string): string | null {
  // Length first: the pattern backtracks quadratically on long hostile input (RFC 5321: at most 254).
  if (v.length > 254) return `Email is too long (${v.length} characters, at most 254).`;
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? null : `Email "${v}" is not an email address.`;
}

export function checkPostalCode(v: string): string | null {
  return /^[A-Za-z0-9][A-Za-z0-9 -]{1,18}[A-Za-z0-9]$/.test(v.trim()) || /^[0-9A-Za-z]{2,3}$/.test(v.trim())
    ? null
    : `Postal code "${v}" must be 2 to 20 letters, digits, spaces or hyphens.`;
}

/** All field problems of a contact, keyed by field; empty object = valid. */
export function checkShippingContact(c: Partial<ShippingContact>): Partial<Record<keyof ShippingContact, string>> {
  const out: Partial<Record<keyof ShippingContact, string>> = {};
  for (const key of Object.keys(LABELS) as (keyof ShippingContact)[]) {
    const raw = c[key];
    const v = typeof raw === 'string' ? raw.trim() : '';
    if (!v) {
      if (key !== 'streetAddress2') out[key] = `${LABELS[key]} is required.`;
      continue;
    }
    if (v.length > MAX[key]) {
      out[key] = `${LABELS[key]} is too long (${v.length} characters, at most ${MAX[key]}).`;
      continue;
    }
    const specific =
      key === 'phone'
        ? checkPhone(v)
        : key === 'email'
          ? checkEmail(v)
          : key === 'postalCode'
            ? checkPostalCode(v)
            : null;
    if (specific) out[key] = specific;
  }
  // The country's own rules: its postal code format, and its state or province where the post needs one.
  const country = typeof c.countryOrRegion === 'string' ? c.countryOrRegion : '';
  if (!out.postalCode && c.postalCode) {
    const m = checkPostalCodeFor(c.postalCode, country);
    if (m) out.postalCode = m;
  }
  if (!out.stateOrProvince && c.stateOrProvince) {
    const m = checkStateFor(c.stateOrProvince, country);
    if (m) out.stateOrProvince = m;
  }
  return out;
}

export function checkCarrier(carrier: string, supported: readonly string[]): string | null {
  if (!carrier.trim()) return 'Return carrier is required.';
  if (supported.length && !supported.some((s) => s.toLowerCase() === carrier.trim().toLowerCase()))
    return `Carrier "${carrier}" is not supported at this datacenter; choose one of: ${supported.join(', ')}.`;
  return null;
}

export function checkCarrierAccountNumber(v: string): string | null {
  return /^[A-Za-z0-9-]{4,40}$/.test(v.trim())
    ? null
    : `Carrier account number "${v}" must be 4 to 40 letters, digits or hyphens.`;
}

/**
 * The day the package was handed to the carrier: a date, not in the future, and (given `jobCreatedOn`, the job's
 * creation day as YYYY-MM-DD) not before the job existed — the disks are shipped for a job that exists.
 */
export function checkShipDate(v: string, now = new Date(), jobCreatedOn?: string): string | null {
  if (!v) return 'Ship date is required: the day the package was handed to the carrier.';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
    return `Ship date "${v}" must be a date (YYYY-MM-DD).`;
  const d = Date.parse(`${v}T00:00:00Z`);
  if (d > now.getTime() + 2 * 86_400_000)
    return `Ship date ${v} is in the future; enter the day the package was handed to the carrier.`;
  if (jobCreatedOn && /^\d{4}-\d{2}-\d{2}$/.test(jobCreatedOn) && v < jobCreatedOn)
    return `Ship date ${v} is before the import job was created (${jobCreatedOn}); the disks are shipped after the job exists.`;
  return null;
}

export function checkDriveCount(n: number): string | null {
  return Number.isInteger(n) && n >= 1 && n <= MAX_DISKS_PER_JOB
    ? null
    : `Drive count ${n} must be a whole number from 1 to ${MAX_DISKS_PER_JOB} (one job holds at most ${MAX_DISKS_PER_JOB} disks).`;
}

const issues = (ctx: z.RefinementCtx, path: string, msg: string | null) => {
  if (msg) ctx.addIssue({ code: 'custom', path: [path], message: msg });
};

/** The shape of the decision-5 contact and address fields (lengths only; the rules are in the refinement below). */
export const shippingContactFields = {
  contactName: z.string().max(200),
  phone: z.string().max(200),
  email: z.string().max(300),
  streetAddress1: z.string().max(200),
  streetAddress2: z.string().max(200).optional(),
  city: z.string().max(200),
  stateOrProvince: z.string().max(200),
  postalCode: z.string().max(200),
  countryOrRegion: z.string().max(200),
};

export const shippingContactSchema = z
  .object(shippingContactFields)
  .strict()
  .superRefine((c, ctx) => {
    for (const [k, m] of Object.entries(checkShippingContact(c))) issues(ctx, k, m ?? null);
  });

export const returnShippingSchema = z
  .object({
    carrierName: z.string().min(1, 'Return carrier is required.').max(60),
    carrierAccountNumber: z.string().max(60),
  })
  .strict()
  .superRefine((r, ctx) => issues(ctx, 'carrierAccountNumber', checkCarrierAccountNumber(r.carrierAccountNumber)));

export const deliveryPackageSchema = z
  .object({
    carrierName: z.string().min(1, 'Carrier is required.').max(60),
    trackingNumber: z.string().max(80).transform(normalizeTrackingNumber),
    driveCount: z.number(),
    shipDate: z.string().max(20),
  })
  .strict()
  .superRefine((p, ctx) => {
    issues(ctx, 'trackingNumber', checkTrackingNumber(p.trackingNumber));
    issues(ctx, 'driveCount', checkDriveCount(p.driveCount));
    issues(ctx, 'shipDate', checkShipDate(p.shipDate));
  });
