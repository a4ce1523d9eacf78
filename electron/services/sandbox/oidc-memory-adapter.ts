/**
 * In-memory storage for oidc-provider (sessions, codes, grants, refresh tokens). Same behaviour as the
 * library's built-in development adapter, but explicit (and without its start-up warning). Sandbox sign-ins
 * therefore end when the sandbox restarts; users simply sign in again.
 */
type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string; consumed?: number };

const stores = new Map<string, Map<string, { payload: Payload; expiresAt?: number }>>();

export class OidcMemoryAdapter {
  private readonly items: Map<string, { payload: Payload; expiresAt?: number }>;
  constructor(name: string) {
    let m = stores.get(name);
    if (!m) {
      m = new Map();
      stores.set(name, m);
    }
    this.items = m;
  }
  private get(id: string): Payload | undefined {
    const it = this.items.get(id);
    if (!it) return undefined;
    if (it.expiresAt !== undefined && it.expiresAt <= Date.now()) {
      this.items.delete(id);
      return undefined;
    }
    return it.payload;
  }
  async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
    this.items.set(id, { payload, ...(expiresIn ? { expiresAt: Date.now() + expiresIn * 1000 } : {}) });
  }
  async find(id: string): Promise<Payload | undefined> {
    return this.get(id);
  }
  async findByUid(uid: string): Promise<Payload | undefined> {
    for (const [id, it] of this.items) if (it.payload.uid === uid) return this.get(id);
    return undefined;
  }
  async findByUserCode(userCode: string): Promise<Payload | undefined> {
    for (const [id, it] of this.items) if (it.payload.userCode === userCode) return this.get(id);
    return undefined;
  }
  async consume(id: string): Promise<void> {
    const p = this.get(id);
    if (p) p.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string): Promise<void> {
    this.items.delete(id);
  }
  async revokeByGrantId(grantId: string): Promise<void> {
    for (const [id, it] of this.items) if (it.payload.grantId === grantId) this.items.delete(id);
  }
}
