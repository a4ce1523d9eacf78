import type { HandlerTable } from './types.ts';
import { coreHandlers } from './core.ts';
import { azureHandlers } from './azure.ts';
import { diskprepHandlers } from './diskprep.ts';
import { backupHandlers } from './backup.ts';
import { policiesHandlers } from './policies.ts';
import { importVerifyHandlers } from './import-verify.ts';
import { shippingHandlers } from './shipping.ts';
import { sandboxHandlers } from './sandbox.ts';

/** ONE table for both hosts. Add a domain's slice here; a channel without a handler fails to compile. */
export const handlers: HandlerTable = {
  ...coreHandlers,
  ...azureHandlers,
  ...diskprepHandlers,
  ...backupHandlers,
  ...policiesHandlers,
  ...importVerifyHandlers,
  ...shippingHandlers,
  ...sandboxHandlers,
};
