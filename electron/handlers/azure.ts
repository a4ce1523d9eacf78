import type { HandlerSlice } from './types.ts';
import type { azureInvoke } from '../../shared/contract/azure.ts';

/** Payloads arrive validated by the contract (shared/contract/azure.ts); the Azure service does the rest. */
export const azureHandlers: HandlerSlice<keyof typeof azureInvoke> = {
  'auth:status': async (_req, { services }) => services.azure.status(),
  'auth:signIn': async ({ timeoutSeconds, loginHint }, { services }) =>
    services.azure.signIn({ timeoutMs: (timeoutSeconds ?? 300) * 1000, ...(loginHint ? { loginHint } : {}) }),
  'auth:cancelSignIn': async (_req, { services }) => ({ cancelled: await services.azure.cancelSignIn() }),
  'auth:signOut': async (_req, { services }) => services.azure.signOut(),
  'azure:clouds': async (_req, { services }) => services.azure.cloudInfos(),
  'azure:subscriptions': async (_req, { services }) => services.azure.subscriptions(),
  'azure:storageAccounts': async ({ subscriptionId }, { services }) => services.azure.storageAccounts(subscriptionId),
  'azure:resourceGroup': async ({ subscriptionId, resourceGroup }, { services }) =>
    services.azure.resourceGroup(subscriptionId, resourceGroup),
  'azure:containers': async ({ subscriptionId, resourceGroup, accountName }, { services }) =>
    services.azure.containers(subscriptionId, resourceGroup, accountName),
  'azure:createContainer': async ({ subscriptionId, resourceGroup, accountName, containerName }, { services }) =>
    services.azure.createContainer(subscriptionId, resourceGroup, accountName, containerName),
  'azure:providerStatus': async ({ subscriptionId, namespace }, { services }) =>
    services.azure.providerStatus(subscriptionId, namespace),
  'azure:registerProvider': async ({ subscriptionId, namespace, timeoutSeconds }, { services }) =>
    services.azure.registerProvider(subscriptionId, namespace, { timeoutMs: (timeoutSeconds ?? 300) * 1000 }),
  'azure:locations': async (_req, { services }) => services.azure.locations(),
  'azure:ensureEntraApp': async (req, { services }) => services.azure.ensureEntraApp(req),
  'jobs:list': async ({ subscriptionId, resourceGroup, backend }, { services }) =>
    services.azure.listJobs(subscriptionId, resourceGroup, backend),
  'jobs:get': async (ref, { services }) => services.azure.getJob(ref),
  'jobs:create': async (input, { services }) => services.azure.createJob(input),
  'jobs:updateShipping': async ({ deliveryPackage, ...ref }, { services }) =>
    services.azure.updateShipping(ref, deliveryPackage),
  'jobs:updateReturn': async ({ returnAddress, returnShipping, ...ref }, { services }) =>
    services.azure.updateReturn(ref, { returnAddress, returnShipping }),
  'jobs:cancel': async (ref, { services }) => services.azure.cancelJob(ref),
  'jobs:delete': async (ref, { services }) => services.azure.deleteJob(ref),
};
