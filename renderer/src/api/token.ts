/**
 * Browser mode: the page URL carries `#token=…` (printed by `npm start` / `npm run serve`).
 * The token moves to sessionStorage and leaves the visible URL, so reloads keep working and the token is not
 * left in the address bar, history or screenshots.
 */
export const TOKEN_KEY = 'obc.token';

export function takeToken(loc: Location = window.location, storage: Storage = window.sessionStorage): string | null {
  const hash = loc.hash.startsWith('#') ? loc.hash.slice(1) : loc.hash;
  const params = new URLSearchParams(hash);
  const fromHash = params.get('token');
  if (fromHash) {
    try {
      storage.setItem(TOKEN_KEY, fromHash);
    } catch {
      /* storage disabled: keep the token in the URL so a reload still works */
      return fromHash;
    }
    params.delete('token');
    const rest = params.toString();
    const url = loc.pathname + loc.search + (rest ? `#${rest}` : '');
    try {
      window.history.replaceState(window.history.state, '', url);
    } catch {
      /* ignore */
    }
    return fromHash;
  }
  try {
    return storage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}
