/**
 * State and actions of the change-properties slice (slices/change-properties.ts). Types only, importing nothing from the store, so
 * store/types.ts composes them without an import cycle.
 */
import type { PassphraseChangeResult } from '../../../../shared/contract/policies.ts';
import type { ContainerAccessInput, PropertiesView, ProxyInput, Throttling } from '../../../../shared/policy-schema.ts';

export type PropertiesTab = 'throttling' | 'proxy' | 'passphrase' | 'containerAccess';

export interface ChangePropertiesState {
  changeProperties: {
    view: PropertiesView | null;
    loadError: string | null;
    saving: PropertiesTab | null;
    result: { tab: PropertiesTab; ok: boolean; message: string } | null;
  };
}
export interface ChangePropertiesActions {
  loadProperties(): Promise<void>;
  saveThrottling(t: Throttling): Promise<void>;
  saveProxy(p: ProxyInput): Promise<void>;
  changePassphrase(current: string, next: string): Promise<PassphraseChangeResult | null>;
  /** The SAS URL goes to the main process once and is never kept here after the answer. */
  saveContainerAccess(a: ContainerAccessInput): Promise<boolean>;
}
export type ChangePropertiesSlice = ChangePropertiesState & ChangePropertiesActions;
