import type { HandlerSlice } from './types.ts';
import type { policiesInvoke } from '../../shared/contract/policies.ts';

export const policiesHandlers: HandlerSlice<keyof typeof policiesInvoke> = {
  'policy:get': async (_req, { services }) => services.policies.view(),
  'policy:save': async ({ policy, passphrase }, { services }) => services.policies.save(policy, passphrase),
  'policy:setState': async ({ state }, { services }) => services.policies.setState(state),
  'policy:delete': async ({ deleteStagingData }, { services }) => services.policies.delete(deleteStagingData ?? false),
  'policy:nextRuns': async ({ schedule, count }, { services }) => services.policies.previewRuns(schedule, count ?? 3),
  'policy:checkStaging': async ({ path, requiredBytes, items }, { services }) =>
    services.policies.checkStaging(path, requiredBytes, items),
  'policy:hideRun': async ({ id }, { services }) => services.policies.hideRun(id),
  'policy:checkSeed': async (_req, { services }) => services.policies.checkSeed(),
  'agent:status': async (_req, { services }) => services.agent.status(),
  'agent:install': async (_req, { services }) => services.agent.install(),
  'agent:remove': async (_req, { services }) => services.agent.remove(),
  'properties:get': async (_req, { services }) => services.policies.properties(),
  'properties:set': async (req, { services }) => services.policies.setProperties(req),
  'properties:setContainerAccess': async (req, { services }) => services.policies.setContainerAccess(req),
  'properties:changePassphrase': async ({ current, next }, { services }) =>
    services.policies.changePassphrase(current, next),
};
