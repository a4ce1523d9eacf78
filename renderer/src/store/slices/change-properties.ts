/** Change Properties (SPEC §2.7): throttling, proxy, passphrase change and container access, through properties:* channels. */
import { api, errorMessage } from '../../api/client.ts';
import type { SliceCreator } from '../types.ts';
import type { PropertiesView } from '../../../../shared/policy-schema.ts';
import type { ChangePropertiesState, ChangePropertiesSlice, PropertiesTab } from '../state/change-properties.ts';

export const initChangePropertiesState: ChangePropertiesState = {
  changeProperties: { view: null, loadError: null, saving: null, result: null },
};

export const createChangePropertiesSlice: SliceCreator<ChangePropertiesSlice> = (set) => {
  const patch = (p: Partial<ChangePropertiesState['changeProperties']>) =>
    set((s) => ({ changeProperties: { ...s.changeProperties, ...p } }));
  /**
   * Saves one tab: marks it saving, runs `call`, then shows its message on that tab and the view it returned — or
   * the host's message, and `failed` as the answer.
   */
  const saveTab = async <T>(
    tab: PropertiesTab,
    failed: T,
    call: () => Promise<{ view: PropertiesView; message: string; value: T }>,
  ): Promise<T> => {
    patch({ saving: tab, result: null });
    try {
      const { view, message, value } = await call();
      patch({ saving: null, view, result: { tab, ok: true, message } });
      return value;
    } catch (err) {
      patch({ saving: null, result: { tab, ok: false, message: errorMessage(err) } });
      return failed;
    }
  };
  return {
    ...initChangePropertiesState,
    async loadProperties() {
      try {
        patch({ view: await api.invoke('properties:get', {}), loadError: null });
      } catch (err) {
        patch({ loadError: errorMessage(err) });
      }
    },
    saveThrottling: (throttling) =>
      saveTab('throttling', undefined, async () => ({
        view: await api.invoke('properties:set', { throttling }),
        message: 'Throttling settings saved.',
        value: undefined,
      })),
    saveProxy: (proxy) =>
      saveTab('proxy', undefined, async () => ({
        view: await api.invoke('properties:set', { proxy }),
        message: 'Proxy settings saved.',
        value: undefined,
      })),
    saveContainerAccess: (a) =>
      saveTab('containerAccess', false, async () => ({
        view: await api.invoke('properties:setContainerAccess', a),
        message:
          a.mode === 'sas'
            ? 'The container SAS URL was checked and stored protected on this machine.'
            : "Runs will use the Entra application with this machine's certificate; the stored SAS was removed.",
        value: true,
      })),
    changePassphrase: (current, next) =>
      saveTab('passphrase', null, async () => {
        const r = await api.invoke('properties:changePassphrase', { current, next });
        return { view: await api.invoke('properties:get', {}), message: r.notes.join(' '), value: r };
      }),
  };
};
