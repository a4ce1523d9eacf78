import type { HandlerSlice } from './types.ts';
import type { shippingInvoke } from '../../shared/contract/shipping.ts';
import { loadShippingDefaults, saveShippingDefaults } from '../services/shipping/defaults.ts';

/** The shipping details remembered for the next job (contact, return address, carrier). */
export const shippingHandlers: HandlerSlice<keyof typeof shippingInvoke> = {
  'shipping:getDefaults': async (_req, { services }) => loadShippingDefaults(services.dataDir),
  'shipping:saveDefaults': async (req, { services }) => saveShippingDefaults(services.dataDir, req),
};
