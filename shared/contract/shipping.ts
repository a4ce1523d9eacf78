import { z } from 'zod';
import { channel } from './define.ts';

/**
 * The shipping details the user entered last time (SPEC decision 5), offered again for the next job.
 * Plain contact data, no secrets; stored owner-only in the data directory.
 */
export const shippingDefaultsSchema = z
  .object({
    contactName: z.string().max(200),
    phone: z.string().max(200),
    email: z.string().max(300),
    streetAddress1: z.string().max(200),
    streetAddress2: z.string().max(200).optional(),
    city: z.string().max(200),
    stateOrProvince: z.string().max(200),
    postalCode: z.string().max(200),
    countryOrRegion: z.string().max(200),
    carrierName: z.string().max(60),
    carrierAccountNumber: z.string().max(60),
  })
  .strict();
export type ShippingDefaults = z.infer<typeof shippingDefaultsSchema>;

export const shippingInvoke = {
  'shipping:getDefaults': channel<ShippingDefaults | null>()(z.object({}).strict()),
  'shipping:saveDefaults': channel<ShippingDefaults>()(shippingDefaultsSchema),
};
