/**
 * A container SAS URL (SPEC decision 15: the explicit second way unattended runs reach the container, for machines
 * without Entra rights): parsed and judged without a network call, and shown without its signature. Pure; used by
 * the services, the CLI (`--container-url`) and the console's Change Properties.
 *
 * A service SAS for a container (`sr=c`, Create Service SAS): `sp` the permissions (or a stored access policy `si`
 * that holds them), `se` the expiry (or the policy's). Online backups need read, write, delete and list (Put Block
 * and Put Block List need w, pruning d, listing the restore points l); reading a backup needs read and list.
 */
export type SasPurpose = 'backup' | 'read';

export interface ContainerSasInfo {
  /** The blob endpoint of the account, e.g. https://acct.blob.core.windows.net/ (path-style: https://127.0.0.1:10000/acct/). */
  accountUrl: string;
  account: string;
  container: string;
  /** ISO time the SAS itself expires at (`se`); absent when the stored access policy holds it. */
  expiresOn?: string;
  /** The stored access policy it is signed against (`si`): revocable by removing it from the container. */
  storedPolicy?: string;
  /** `sp` as given (absent when the stored access policy holds the permissions). */
  permissions?: string;
  /** The URL with the signature replaced, for messages and the console. */
  redacted: string;
}

const NEEDS: Record<SasPurpose, Array<[string, string]>> = {
  backup: [
    ['r', 'read'],
    ['w', 'write'],
    ['d', 'delete'],
    ['l', 'list'],
  ],
  read: [
    ['r', 'read'],
    ['l', 'list'],
  ],
};

/** The URL with the value of `sig` (and any other signature-bearing field) hidden. */
export function redactSasUrl(url: string): string {
  return url.replace(/([?&](?:sig|sv?sig|skoid|sktid)=)[^&#]*/gi, '$1REDACTED');
}

const decode = (v: string) => {
  try {
    return decodeURIComponent(v.replace(/\+/g, ' '));
  } catch {
    return v;
  }
};

/** scheme://host[:port]/path?query (enough for a SAS URL; shared/ has no URL class). */
function splitUrl(
  text: string,
): { scheme: string; host: string; hostname: string; path: string; query: Map<string, string> } | null {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#\s@]+)([^?#\s]*)(?:\?([^#\s]*))?(?:#\S*)?$/i.exec(text);
  if (!m) return null;
  const host = m[2].toLowerCase();
  const query = new Map<string, string>();
  for (const kv of (m[4] ?? '').split('&').filter(Boolean)) {
    const i = kv.indexOf('=');
    const k = decode(i < 0 ? kv : kv.slice(0, i));
    if (!query.has(k)) query.set(k, decode(i < 0 ? '' : kv.slice(i + 1)));
  }
  return { scheme: m[1].toLowerCase(), host, hostname: host.replace(/:\d+$/, ''), path: m[3] || '/', query };
}

function isIpOrLocal(host: string): boolean {
  return host === 'localhost' || /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
}

/**
 * Parses a container SAS URL. Throws an Error whose message says what is wrong and what to give instead (never
 * showing the signature). `purpose` decides which permissions it must carry; `now` the expiry check.
 */
export function parseContainerSasUrl(
  input: string,
  o: { purpose?: SasPurpose; now?: number; expect?: { account?: string; container?: string } } = {},
): ContainerSasInfo {
  const text = input.trim();
  const u = splitUrl(text);
  if (!u)
    throw new Error(
      'The container SAS URL is not a URL. Copy the "Blob SAS URL" of the container (https://<account>.blob.core.windows.net/<container>?sv=…&sig=…).',
    );
  const redacted = redactSasUrl(text);
  if (u.scheme !== 'https')
    throw new Error(
      `The container SAS URL must use https (${redacted} does not): its signature would travel in the clear.`,
    );
  const q = u.query;
  if (!q.get('sig'))
    throw new Error(`${redacted} has no signature (sig): it is a plain container address, not a SAS URL.`);
  if (q.get('ss') || q.get('srt'))
    throw new Error(
      `${redacted} is an account SAS (it opens the whole storage account); give a SAS for the container only (signed resource "c").`,
    );
  const sr = q.get('sr');
  if (sr !== 'c')
    throw new Error(
      `${redacted} is a SAS for ${sr === 'b' ? 'one blob' : sr ? `signed resource "${sr}"` : 'an unknown resource'}, not for a container (signed resource "c"): create it on the container.`,
    );
  const segs = u.path.split('/').filter(Boolean).map(decode);
  const pathStyle = isIpOrLocal(u.hostname);
  const account = pathStyle ? segs[0] : u.hostname.split('.')[0];
  const container = pathStyle ? segs[1] : segs[0];
  if (!account || !container || segs.length !== (pathStyle ? 2 : 1))
    throw new Error(
      `${redacted} does not name exactly one container (expected ${pathStyle ? 'https://host:port/<account>/<container>' : 'https://<account>.blob.…/<container>'}?…).`,
    );
  const e = o.expect ?? {};
  if (e.account && e.account.toLowerCase() !== account.toLowerCase())
    throw new Error(`${redacted} is for storage account "${account}", not "${e.account}".`);
  if (e.container && e.container !== container)
    throw new Error(`${redacted} is for container "${container}", not "${e.container}".`);
  const storedPolicy = q.get('si') ?? undefined;
  const sp = q.get('sp') ?? undefined;
  const se = q.get('se') ?? undefined;
  if (!storedPolicy && (!sp || !se))
    throw new Error(`${redacted} names neither its permissions and expiry (sp, se) nor a stored access policy (si).`);
  if (sp !== undefined) {
    const missing = NEEDS[o.purpose ?? 'backup'].filter(([c]) => !sp.includes(c));
    if (missing.length)
      throw new Error(
        `The container SAS allows "${sp}" only; ${o.purpose === 'read' ? 'reading a backup' : 'online backups'} need ${missing.map(([c, w]) => `${w} (${c})`).join(', ')} too. ` +
          `Create it with the permissions ${o.purpose === 'read' ? 'rl' : 'rwdl'} at least.`,
      );
  }
  let expiresOn: string | undefined;
  if (se !== undefined) {
    const t = Date.parse(se);
    if (Number.isNaN(t)) throw new Error(`The expiry of ${redacted} (se=${se}) is not a date.`);
    expiresOn = new Date(t).toISOString();
    if (t <= (o.now ?? Date.now()))
      throw new Error(
        `The container SAS expired on ${expiresOn}. Create a new one for container "${container}" and enter it again.`,
      );
  }
  const origin = `https://${u.host}`;
  return {
    accountUrl: pathStyle ? `${origin}/${account}/` : `${origin}/`,
    account,
    container,
    ...(expiresOn ? { expiresOn } : {}),
    ...(storedPolicy ? { storedPolicy } : {}),
    ...(sp ? { permissions: sp } : {}),
    redacted,
  };
}
