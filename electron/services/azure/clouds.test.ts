import { describe, expect, it } from 'vitest';
import {
  AZURE_CHINA,
  AZURE_PUBLIC,
  AZURE_US_GOVERNMENT,
  BUILT_IN_CLOUDS,
  parseCloudDefinition,
  resolveCloud,
} from './clouds.ts';

describe('clouds as data', () => {
  it('has the three Azure clouds with their own endpoints and no borrowed client id', () => {
    expect(BUILT_IN_CLOUDS.map((c) => c.name)).toEqual(['AzurePublic', 'AzureUSGovernment', 'AzureChina']);
    expect(AZURE_US_GOVERNMENT.armEndpoint).toBe('https://management.usgovcloudapi.net');
    expect(AZURE_CHINA.authorityHost).toBe('https://login.chinacloudapi.cn');
    for (const c of BUILT_IN_CLOUDS) {
      expect(c.clientId).toBe('');
      expect(c.armScope.startsWith(c.armEndpoint)).toBe(true);
      expect(c.caCertPem).toBeUndefined();
    }
  });
  it('applies the client id from settings, then the environment, but never over a cloud’s own', () => {
    const sandbox = parseCloudDefinition(
      {
        ...AZURE_PUBLIC,
        name: 'LocalSandbox',
        clientId: 'sandbox-client',
        caCertPem: 'x',
        armEndpoint: 'https://127.0.0.1:1/',
      },
      'test',
    );
    expect(sandbox.armEndpoint).toBe('https://127.0.0.1:1');
    const all = [...BUILT_IN_CLOUDS, sandbox];
    expect(resolveCloud('AzurePublic', all, { clientId: 'abc', env: {} })).toMatchObject({
      cloud: { clientId: 'abc' },
      clientIdSource: 'settings',
    });
    expect(resolveCloud('AzurePublic', all, { env: { OBC_AZURE_CLIENT_ID: 'envid' } })).toMatchObject({
      cloud: { clientId: 'envid' },
      clientIdSource: 'environment',
    });
    expect(resolveCloud('AzurePublic', all, { env: {} }).clientIdSource).toBe('unset');
    expect(resolveCloud('LocalSandbox', all, { clientId: 'abc', env: { OBC_AZURE_CLIENT_ID: 'envid' } })).toMatchObject(
      { cloud: { clientId: 'sandbox-client' }, clientIdSource: 'cloud' },
    );
    expect(() => resolveCloud('LocalSandbox', BUILT_IN_CLOUDS)).toThrow(/obc -- sandbox/);
    expect(() => parseCloudDefinition({ ...AZURE_PUBLIC, authorityHost: 'http://x' }, 'f.json')).toThrow(
      /f.json.*authorityHost/,
    );
  });
});
