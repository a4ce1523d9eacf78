/**
 * The contract between the renderer and the hosts (Electron IPC and the browser-mode WebSocket).
 * Each domain declares its channels in shared/contract/<domain>.ts; this file only composes them.
 */
import type { z } from 'zod';
import { coreInvoke, type CoreEvents } from './contract/core.ts';
import { azureInvoke, type AzureEvents } from './contract/azure.ts';
import { diskprepInvoke } from './contract/diskprep.ts';
import { backupInvoke } from './contract/backup.ts';
import { policiesInvoke, type PoliciesEvents } from './contract/policies.ts';
import { importVerifyInvoke } from './contract/import-verify.ts';
import { shippingInvoke } from './contract/shipping.ts';
import { sandboxInvoke } from './contract/sandbox.ts';
import type { ChannelDef } from './contract/define.ts';
import type { IpcResult } from './result.ts';

export const invokeChannels = {
  ...coreInvoke,
  ...azureInvoke,
  ...diskprepInvoke,
  ...backupInvoke,
  ...policiesInvoke,
  ...importVerifyInvoke,
  ...shippingInvoke,
  ...sandboxInvoke,
};

export type InvokeMap = typeof invokeChannels;
export type Channel = keyof InvokeMap;
export type Req<C extends Channel> = InvokeMap[C] extends ChannelDef<infer S, unknown> ? z.input<S> : never;
export type ParsedReq<C extends Channel> = InvokeMap[C] extends ChannelDef<infer S, unknown> ? z.output<S> : never;
export type Res<C extends Channel> = InvokeMap[C] extends ChannelDef<z.ZodType, infer R> ? R : never;

export type EventMap = CoreEvents & PoliciesEvents & AzureEvents;
export type EventName = keyof EventMap;

export const CHANNELS = Object.keys(invokeChannels) as Channel[];
export const isChannel = (name: unknown): name is Channel =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(invokeChannels, name);

/** Channels that exist only when the host runs with OBC_TEST_HOOKS=1. */
export const TEST_ONLY_CHANNELS: readonly Channel[] = ['test:demoTask'];

/**
 * What the preload (desktop) and the WebSocket transport (browser mode) expose as `window.api`.
 * It returns the result envelope, never throws across the bridge (a thrown Error would lose its code);
 * renderer/src/api/client.ts unwraps it into values and AppErrors.
 */
export interface RawApi {
  invoke<C extends Channel>(channel: C, req: Req<C>): Promise<IpcResult<Res<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}

export type { IpcResult } from './result.ts';
export type { IpcError, ErrorCode } from './errors.ts';
