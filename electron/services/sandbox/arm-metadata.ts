import type { Reply } from './arm.ts';

/**
 * ARM's cloud metadata, served anonymously at `GET /metadata/endpoints` as Azure Resource Manager does, so that
 * clients that discover a cloud from its ARM endpoint alone (`az cloud register --endpoint-resource-manager`, the
 * Python SDK's `get_cloud_from_metadata_endpoint`) find the sandbox's sign-in authority and audiences.
 * api-version 2015-01-01 (what `az` 2.45 asks for) or none → the original single-cloud object; later versions
 * (2019-05-01, 2020-06-01, 2022-09-01) → the array of cloud objects.
 */
export function armMetadata(o: {
  armUrl: string;
  graphUrl: string;
  loginEndpoint: string;
  tenantId: string;
  blobSuffix: string;
}): (url: URL) => Reply | undefined {
  return (url) => {
    if (url.pathname.replace(/\/+$/, '').toLowerCase() !== '/metadata/endpoints') return undefined;
    const v = url.searchParams.get('api-version');
    const audiences = [`${o.armUrl}/`, o.armUrl];
    if (!v || v === '2015-01-01') {
      return {
        status: 200,
        body: {
          galleryEndpoint: '',
          graphEndpoint: `${o.graphUrl}/`,
          portalEndpoint: '',
          authentication: { loginEndpoint: `${o.loginEndpoint}/`, audiences },
        },
      };
    }
    return {
      status: 200,
      body: [
        {
          name: 'LocalSandbox',
          portal: '',
          authentication: {
            loginEndpoint: `${o.loginEndpoint}/`,
            audiences,
            tenant: o.tenantId,
            identityProvider: 'AAD',
          },
          media: '',
          graphAudience: `${o.graphUrl}/`,
          graph: `${o.graphUrl}/`,
          microsoftGraphResourceId: `${o.graphUrl}/`,
          resourceManager: `${o.armUrl}/`,
          suffixes: { storage: o.blobSuffix },
        },
      ],
    };
  };
}
