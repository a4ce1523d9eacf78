/**
 * SDK clients for one signed-in cloud. Every client gets this cloud's HttpClient (CA trust + our retries), the
 * cloud's ARM endpoint and a credential that always asks for the cloud's ARM scope.
 */
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { DataBoxManagementClient } from '@azure/arm-databox';
import { ResourceManagementClient } from '@azure/arm-resources';
import { StorageManagementClient } from '@azure/arm-storage';
import { StorageImportExport } from '@azure/arm-storageimportexport';
import type { CloudHttp } from './http.ts';
import type { CloudAuth } from './signin.ts';

/** Subscription id used for calls that are not under a subscription (Import/Export locations). */
const NO_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

/**
 * api-versions sent (docs/ARCHITECTURE.md, "api-versions"): the newest stable version each specs readme lists, not
 * the SDK's default when that is a preview (Import/Export: the SDK sends 2021-01-01, tag package-2021-01 is a
 * preview) or older (Data Box: the SDK sends 2022-12-01; package-2025-07 is the readme's default tag).
 */
export const IMPORT_EXPORT_API_VERSION = '2020-08-01';
export const DATA_BOX_API_VERSION = '2025-07-01';

export class AzureClients {
  readonly auth: CloudAuth;
  readonly http: CloudHttp;

  constructor(auth: CloudAuth, http: CloudHttp) {
    this.auth = auth;
    this.http = http;
  }

  private get armDefault(): string {
    return `${this.http.cloud.armEndpoint}/.default`;
  }

  resources(subscriptionId: string): ResourceManagementClient {
    return new ResourceManagementClient(this.auth.credential('arm'), subscriptionId, {
      ...this.http.sdkOptions(),
      credentials: { scopes: [this.armDefault] },
    });
  }

  storage(subscriptionId: string): StorageManagementClient {
    return new StorageManagementClient(this.auth.credential('arm'), subscriptionId, {
      ...this.http.sdkOptions(),
      credentials: { scopes: [this.armDefault] },
    });
  }

  authorization(subscriptionId: string): AuthorizationManagementClient {
    return new AuthorizationManagementClient(this.auth.credential('arm'), subscriptionId, {
      ...this.http.sdkOptions(),
      credentialScopes: [this.armDefault],
    });
  }

  importExport(subscriptionId: string = NO_SUBSCRIPTION): StorageImportExport {
    return new StorageImportExport(this.auth.credential('arm'), subscriptionId, {
      ...this.http.sdkOptions(),
      apiVersion: IMPORT_EXPORT_API_VERSION,
      credentialScopes: [this.armDefault],
    });
  }

  /** Microsoft.DataBox (customer-disk jobs) at DATA_BOX_API_VERSION. */
  dataBox(subscriptionId: string): DataBoxManagementClient {
    return new DataBoxManagementClient(this.auth.credential('arm'), subscriptionId, {
      ...this.http.sdkOptions(),
      apiVersion: DATA_BOX_API_VERSION,
      $host: this.http.cloud.armEndpoint,
      credentialScopes: [this.armDefault],
    });
  }
}
