import { z } from 'zod';
import { channel } from './define.ts';
import { shippingContactFields } from '../validators/shipping.ts';

/**
 * The shipping details the user entered last time (SPEC decision 5), offered again for the next job.
 * Plain contact data, no secrets; stored owner-only in the data directory.
 */
export const shippingDefaultsSchema = z
  .object({
    ...shippingContactFields,
    carrierName: z.string().max(60),
    carrierAccountNumber: z.string().max(60),
  })
  .strict();
export type ShippingDefaults = z.infer<typeof shippingDefaultsSchema>;

export const shippingInvoke = {
  'shipping:getDefaults': channel<ShippingDefaults | null>()(z.object({}).strict()),
  'shipping:saveDefaults': channel<ShippingDefaults>()(shippingDefaultsSchema),
};
