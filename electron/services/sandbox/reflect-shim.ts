/**
 * @peculiar/x509 2.x loads tsyringe, which insists on a Reflect metadata polyfill (reflect-metadata is not a
 * dependency here). tsyringe only calls defineMetadata/getMetadata/getOwnMetadata, so this tiny stand-in is
 * enough. Import this module before '@peculiar/x509'.
 */
type MetaMap = Map<unknown, unknown>;
const store = new WeakMap<object, Map<PropertyKey | undefined, MetaMap>>();
const R = Reflect as unknown as Record<string, unknown>;

function own(target: object, prop: PropertyKey | undefined, create: boolean): MetaMap | undefined {
  let byProp = store.get(target);
  if (!byProp) {
    if (!create) return undefined;
    byProp = new Map();
    store.set(target, byProp);
  }
  let m = byProp.get(prop);
  if (!m && create) {
    m = new Map();
    byProp.set(prop, m);
  }
  return m;
}

if (typeof R.getMetadata !== 'function') {
  R.defineMetadata = (key: unknown, value: unknown, target: object, prop?: PropertyKey) => {
    own(target, prop, true)!.set(key, value);
  };
  R.getOwnMetadata = (key: unknown, target: object, prop?: PropertyKey) => own(target, prop, false)?.get(key);
  R.getMetadata = (key: unknown, target: object, prop?: PropertyKey) => {
    for (let t: object | null = target; t; t = Object.getPrototypeOf(t)) {
      const m = own(t, prop, false);
      if (m?.has(key)) return m.get(key);
    }
    return undefined;
  };
}

export {};
