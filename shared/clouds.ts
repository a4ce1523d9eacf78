/**
 * A cloud is data: endpoints, authority and (for the Local sandbox) the CA certificate to trust for this cloud's
 * calls only. Production code never branches on "is sandbox"; it only reads these fields.
 * Owned by the Azure layer (electron/services/azure/); the sandbox produces one for itself.
 */
export interface CloudDefinition {
  /** Stable key stored in settings, e.g. 'AzurePublic', 'AzureUSGovernment', 'AzureChina', 'LocalSandbox'. */
  name: string;
  displayName: string;
  /** e.g. https://login.microsoftonline.com (no trailing slash). */
  authorityHost: string;
  /** Tenant segment of the authority: 'organizations' for the public clouds, the sandbox's tenant id there. */
  tenant: string;
  /** e.g. https://management.azure.com (no trailing slash). */
  armEndpoint: string;
  /** e.g. https://graph.microsoft.com (no trailing slash). */
  graphEndpoint: string;
  /** Scope for ARM tokens, e.g. https://management.azure.com/user_impersonation or …/.default */
  armScope: string;
  graphScope: string;
  /** Public client (native app) id used for interactive sign-in. */
  clientId: string;
  /** Passed to MSAL as knownAuthorities (hosts), needed for non-Microsoft authorities. */
  knownAuthorities?: string[] | undefined;
  /** MSAL protocolMode: 'AAD' (default) or 'OIDC'. */
  protocolMode?: 'AAD' | 'OIDC' | undefined;
  /** PEM of a CA to trust for this cloud's authority, ARM and Graph endpoints only (the sandbox's). */
  caCertPem?: string | undefined;
  /** Blob endpoint suffix, e.g. 'blob.core.windows.net'; the sandbox gives full per-account URLs through ARM. */
  storageEndpointSuffix: string;
  /**
   * Scope of Microsoft Entra tokens for blob data (unattended runs): `https://storage.azure.com/.default` in every Azure
   * cloud (Storage's one resource ID); the sandbox names its own. Absent: Azure's.
   */
  storageScope?: string | undefined;
  /**
   * A storage account's blob endpoint with `{account}` in it, when it is not `https://{account}.<storageEndpointSuffix>/`
   * (the sandbox serves its accounts path-style: `https://127.0.0.1:PORT/{account}/`).
   */
  blobEndpointTemplate?: string | undefined;
  /** Marks rehearsal clouds in the UI (labels only, never a code path). */
  rehearsal?: boolean | undefined;
}
