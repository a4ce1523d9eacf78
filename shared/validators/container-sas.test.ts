import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseContainerSasUrl, redactSasUrl } from './container-sas.ts';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const az = (q: string, host = 'acct.blob.core.windows.net', path = '/backups') => `https://${host}${path}?${q}`;
const ok = 'sv=2025-11-05&sr=c&sp=racwdl&se=2027-01-01T00%3A00%3A00Z&sig=c2lnbmF0dXJl%2Bc2VjcmV0';

describe('container SAS URL', () => {
  it('reads the account, container, expiry and permissions, and never shows the signature', () => {
    const i = parseContainerSasUrl(az(ok), { now: NOW });
    expect(i).toMatchObject({
      account: 'acct',
      container: 'backups',
      accountUrl: 'https://acct.blob.core.windows.net/',
      expiresOn: '2027-01-01T00:00:00.000Z',
      permissions: 'racwdl',
    });
    expect(i.redacted).toContain('sig=REDACTED');
    expect(i.redacted).not.toContain('c2lnbmF0dXJl');
  });

  it('reads path-style endpoints (the sandbox, Azurite) and stored access policies', () => {
    const i = parseContainerSasUrl(
      az('sv=2025-11-05&sr=c&si=obc-online&sig=x', '127.0.0.1:10443', '/obcseedv2/seed-1'),
      { now: NOW },
    );
    expect(i).toMatchObject({
      account: 'obcseedv2',
      container: 'seed-1',
      accountUrl: 'https://127.0.0.1:10443/obcseedv2/',
      storedPolicy: 'obc-online',
    });
    expect(i.expiresOn).toBeUndefined();
  });

  it.each([
    ['http://acct.blob.core.windows.net/backups?' + ok, /must use https/],
    [az('sv=1&sr=c&sp=rwdl&se=2027-01-01'), /no signature/],
    [az('sv=1&ss=b&srt=sco&sp=rwdl&se=2027-01-01&sig=x'), /account SAS/],
    [az('sv=1&sr=b&sp=rwdl&se=2027-01-01&sig=x'), /one blob/],
    [az('sv=1&sr=c&sp=rl&se=2027-01-01&sig=x'), /allows "rl" only; online backups need write \(w\), delete \(d\)/],
    [az('sv=1&sr=c&sp=rwdl&se=2026-12-01&sig=x'), /expired on 2026-12-01T00:00:00.000Z/],
    [az('sv=1&sr=c&sp=rwdl&se=soon&sig=x'), /not a date/],
    [az('sv=1&sr=c&sp=rwdl&sig=x'), /neither its permissions and expiry/],
    [az(ok, 'acct.blob.core.windows.net', '/backups/sub'), /exactly one container/],
    ['not a url', /not a URL/],
  ])('refuses %s', (url, why) => {
    expect(() => parseContainerSasUrl(url, { now: NOW })).toThrow(why);
  });

  it('checks the account and container it must be for, and what a reader needs', () => {
    expect(() => parseContainerSasUrl(az(ok), { now: NOW, expect: { container: 'other' } })).toThrow(
      /for container "backups", not "other"/,
    );
    expect(() => parseContainerSasUrl(az(ok), { now: NOW, expect: { account: 'zzz' } })).toThrow(
      /storage account "acct", not "zzz"/,
    );
    expect(
      parseContainerSasUrl(az('sv=1&sr=c&sp=rl&se=2027-01-01&sig=x'), { now: NOW, purpose: 'read' }).permissions,
    ).toBe('rl');
  });

  it('no message ever holds the signature (generated signatures and faults)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9+/]{20,44}={0,2}$/),
        fc.constantFrom('rl', 'rwdl', ''),
        fc.constantFrom('2020-01-01', '2030-01-01', 'x'),
        (sig, sp, se) => {
          const url = az(`sv=1&sr=c${sp ? `&sp=${sp}` : ''}&se=${se}&sig=${encodeURIComponent(sig)}`);
          try {
            expect(parseContainerSasUrl(url, { now: NOW }).redacted).not.toContain(encodeURIComponent(sig));
          } catch (err) {
            expect((err as Error).message).not.toContain(encodeURIComponent(sig));
          }
          expect(redactSasUrl(url)).not.toContain(encodeURIComponent(sig));
        },
      ),
    );
  });
});
