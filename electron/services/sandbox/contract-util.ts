/**
 * Helpers for the contract test against the official Azure REST examples (../shared/azure-examples):
 * - lostLeaves: every leaf of an example response must reappear in what an SDK client returned (allowing the
 *   SDK's `properties` flattening and its Date parsing);
 * - shapeGaps: every field of an example response must exist with the same JSON type in the emulator's answer.
 */
type J = unknown;

const isObj = (v: J): v is Record<string, J> => typeof v === 'object' && v !== null && !Array.isArray(v);

function sameLeaf(ex: J, got: J): boolean {
  if (got instanceof Date) return typeof ex === 'string' && Date.parse(ex) === got.getTime();
  if (typeof ex === 'number' && typeof got === 'string') return String(ex) === got;
  return ex === got;
}

/** Wire names the SDKs expose under another client name (x-ms-client-name): the data is kept, only renamed. */
const CLIENT_NAMES: Record<string, string> = {
  supportsHttpsTrafficOnly: 'enableHttpsTrafficOnly', // @azure/arm-storage
  networkAcls: 'networkRuleSet', // @azure/arm-storage
  keyvaultproperties: 'keyVaultProperties', // @azure/arm-storage
  keyvaulturi: 'keyVaultUri',
  keyname: 'keyName',
  keyversion: 'keyVersion',
};
/** Objects the SDKs flatten into their parent (x-ms-client-flatten). */
const FLATTENED = new Set(['properties', 'display']);

/** Paths of example leaves missing or changed in the SDK result. */
export function lostLeaves(ex: J, got: J, path = '$'): string[] {
  if (Array.isArray(ex)) {
    if (!Array.isArray(got)) return [`${path} (array missing)`];
    return ex.flatMap((e, i) => lostLeaves(e, got[i], `${path}[${i}]`));
  }
  if (isObj(ex)) {
    if (!isObj(got)) return [`${path} (object missing)`];
    const out: string[] = [];
    for (const [k, v] of Object.entries(ex)) {
      if (k in got) out.push(...lostLeaves(v, got[k], `${path}.${k}`));
      else if (CLIENT_NAMES[k] && CLIENT_NAMES[k] in got)
        out.push(...lostLeaves(v, got[CLIENT_NAMES[k]], `${path}.${k}(as ${CLIENT_NAMES[k]})`));
      else if (FLATTENED.has(k) && isObj(v)) out.push(...lostLeaves(v, got, `${path}.(flattened)${k}`));
      else out.push(`${path}.${k}`);
    }
    return out;
  }
  return sameLeaf(ex, got) ? [] : [`${path} (example ${JSON.stringify(ex)}, SDK ${JSON.stringify(got)})`];
}

const typeOf = (v: J) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Fields of `ex` absent from `got` or of another JSON type. Arrays: each example element must match some element
 * of the answer (the best match is reported). `optional` lists paths (with `[]` for array items) allowed to be absent.
 */
export function shapeGaps(ex: J, got: J, optional: readonly string[] = [], path = '$'): string[] {
  const generic = path.replace(/\[\d+\]/g, '[]');
  if (got === undefined) return optional.includes(generic) ? [] : [`${generic} missing`];
  if (ex === null) return [];
  if (typeOf(ex) !== typeOf(got)) return [`${generic}: example ${typeOf(ex)}, emulator ${typeOf(got)}`];
  if (Array.isArray(ex)) {
    const arr = got as J[];
    if (ex.length && !arr.length)
      return optional.includes(`${generic}[]`) ? [] : [`${generic}: emulator array is empty`];
    return ex.flatMap((e) => {
      let best: string[] | undefined;
      for (const g of arr) {
        const gaps = shapeGaps(e, g, optional, `${path}[]`);
        if (!best || gaps.length < best.length) best = gaps;
        if (!gaps.length) break;
      }
      return best ?? [];
    });
  }
  // `tags` is a free-form dictionary: its keys are the user's, only its type matters.
  if (isObj(ex))
    return Object.entries(ex).flatMap(([k, v]) =>
      k === 'tags'
        ? shapeGaps({}, (got as Record<string, J>)[k], optional, `${path}.${k}`)
        : shapeGaps(v, (got as Record<string, J>)[k], optional, `${path}.${k}`),
    );
  return [];
}

/** Rewrites an example's ids (subscription, resource group, storage account, job) to the sandbox's. */
export function adaptIds(value: J, map: Array<[RegExp, string]>): J {
  if (typeof value === 'string') return map.reduce((s, [re, to]) => s.replace(re, to), value);
  if (Array.isArray(value)) return value.map((v) => adaptIds(v, map));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, adaptIds(v, map)]));
  return value;
}
