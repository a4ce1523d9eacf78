/**
 * Typed calls to the Azure layer's channels (shared/contract/azure.ts). They are called by name so the wizard
 * compiles and degrades (UNKNOWN_CHANNEL → a plain message) in builds where the Azure domain is not composed into
 * shared/ipc.ts yet; once it is, these are ordinary typed invokes.
 */
import type { z } from 'zod';
import type { azureInvoke } from '../../../../shared/contract/azure.ts';
import type { ChannelDef } from '../../../../shared/contract/define.ts';
import { AppError } from '../../../../shared/errors.ts';
import { api } from '../../api/client.ts';

export type {
  AuthStatus,
  ContainerInfo,
  EntraAppResult,
  ProviderStatus,
  StorageAccountInfo,
  SubscriptionInfo,
} from '../../../../shared/contract/azure.ts';

type AzureMap = typeof azureInvoke;
type AzureChannel = keyof AzureMap;
type AReq<C extends AzureChannel> = AzureMap[C] extends ChannelDef<infer S, unknown> ? z.input<S> : never;
type ARes<C extends AzureChannel> = AzureMap[C] extends ChannelDef<z.ZodType, infer R> ? R : never;

export async function azure<C extends AzureChannel>(channel: C, req: AReq<C>): Promise<ARes<C>> {
  const invoke = api.invoke as unknown as (c: string, r: unknown) => Promise<ARes<C>>;
  try {
    return await invoke(channel, req);
  } catch (err) {
    if ((err as { code?: string }).code === 'UNKNOWN_CHANNEL')
      throw new AppError('UNSUPPORTED', `The Azure layer is not connected in this build (${channel} is missing); enter the values by hand.`);
    throw err;
  }
}
