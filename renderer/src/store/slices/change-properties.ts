/** Change Properties (SPEC §2.7): throttling, proxy, passphrase change and container access, through properties:* channels. */
import { api, errorMessage } from '../../api/client.ts';
import type { SliceCreator } from '../types.ts';
import type { ChangePropertiesState, ChangePropertiesSlice } from '../state/change-properties.ts';

export const initChangePropertiesState: ChangePropertiesState = {
  changeProperties: { view: null, loadError: null, saving: null, result: null },
};

export const createChangePropertiesSlice: SliceCreator<ChangePropertiesSlice> = (set) => {
  const patch = (p: Partial<ChangePropertiesState['changeProperties']>) =>
    set((s) => ({ changeProperties: { ...s.changeProperties, ...p } }));
  return {
    ...initChangePropertiesState,
    async loadProperties() {
      try {
        patch({ view: await api.invoke('properties:get', {}), loadError: null });
      } catch (err) {
        patch({ loadError: errorMessage(err) });
      }
    },
    async saveThrottling(throttling) {
      patch({ saving: 'throttling', result: null });
      try {
        patch({
          view: await api.invoke('properties:set', { throttling }),
          result: { tab: 'throttling', ok: true, message: 'Throttling settings saved.' },
        });
      } catch (err) {
        patch({ result: { tab: 'throttling', ok: false, message: errorMessage(err) } });
      }
      patch({ saving: null });
    },
    async saveProxy(proxy) {
      patch({ saving: 'proxy', result: null });
      try {
        patch({
          view: await api.invoke('properties:set', { proxy }),
          result: { tab: 'proxy', ok: true, message: 'Proxy settings saved.' },
        });
      } catch (err) {
        patch({ result: { tab: 'proxy', ok: false, message: errorMessage(err) } });
      }
      patch({ saving: null });
    },
    async saveContainerAccess(a) {
      patch({ saving: 'containerAccess', result: null });
      try {
        const view = await api.invoke('properties:setContainerAccess', a);
        const message =
          a.mode === 'sas'
            ? 'The container SAS URL was checked and stored protected on this machine.'
            : "Runs will use the Entra application with this machine's certificate; the stored SAS was removed.";
        patch({ saving: null, view, result: { tab: 'containerAccess', ok: true, message } });
        return true;
      } catch (err) {
        patch({ saving: null, result: { tab: 'containerAccess', ok: false, message: errorMessage(err) } });
        return false;
      }
    },
    async changePassphrase(current, next) {
      patch({ saving: 'passphrase', result: null });
      try {
        const r = await api.invoke('properties:changePassphrase', { current, next });
        patch({
          saving: null,
          result: { tab: 'passphrase', ok: true, message: r.notes.join(' ') },
          view: await api.invoke('properties:get', {}),
        });
        return r;
      } catch (err) {
        patch({ saving: null, result: { tab: 'passphrase', ok: false, message: errorMessage(err) } });
        return null;
      }
    },
  };
};
