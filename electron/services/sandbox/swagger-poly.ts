/**
 * Swagger 2.0 semantics that plain JSON Schema (ajv) does not have, applied to the loaded swagger documents in memory
 * (the files stay as copied): `$ref` resolution across files, and polymorphism. A definition with `discriminator: p`
 * stands for itself *or any definition that extends it* (`allOf: [{ $ref: base }]`), chosen by the value of `p`:
 * the subtype's `x-ms-discriminator-value`, else its name. Without this the oracle would check a Data Box job's
 * `details` against the base JobDetails only, and never see a DataBoxCustomerDiskJobDetails field.
 */
export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every swagger file under one base URL, keyed by its path below specification/ (the repository's layout). */
export class SwaggerDocs {
  readonly base: string;
  readonly docs = new Map<string, Obj>();

  constructor(base: string) {
    this.base = base;
  }

  /** Absolute URL of `ref` written in `file` (`#/definitions/X` or `../other.json#/definitions/X`). */
  abs(file: string, ref: string): string {
    return new URL(ref, this.base + file).href;
  }

  /** The file (below the base) and the node an absolute ref points at; undefined when it does not resolve. */
  resolve(absRef: string): { file: string; node: Obj } | undefined {
    const [url, pointer = ''] = absRef.split('#');
    const file = url.slice(this.base.length);
    let node: unknown = this.docs.get(file);
    for (const seg of pointer.split('/').filter(Boolean)) {
      if (!node || typeof node !== 'object') return undefined;
      node = (node as Obj)[decodeURIComponent(seg).replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    return node && typeof node === 'object' ? { file, node: node as Obj } : undefined;
  }

  /** A parameter object, following `$ref` (operation parameters often point into common-types). */
  param(file: string, p: Obj): Obj {
    return p.$ref ? (this.resolve(this.abs(file, String(p.$ref)))?.node ?? p) : p;
  }
}

/**
 * The Storage 2026-09-01 openapi.json (commit 0940ebf) moved into the new `Microsoft.Storage/Storage/stable/` folder
 * but still writes its common-types references with five `../`, which from there land on
 * `storage/common-types/…` instead of `common-types/…` (one level short). Such a reference, to a file no swagger
 * here holds, is pointed at `common-types/…` below the base, in memory only (the file stays as copied). Returns the
 * number of references repointed.
 */
export function repointCommonTypes(docs: SwaggerDocs): number {
  let n = 0;
  const visit = (file: string, o: unknown): void => {
    if (!o || typeof o !== 'object') return;
    if (Array.isArray(o)) return o.forEach((x) => visit(file, x));
    const obj = o as Obj;
    if (typeof obj.$ref === 'string' && !obj.$ref.startsWith('#')) {
      const [url, pointer] = docs.abs(file, obj.$ref).split('#');
      const target = url.slice(docs.base.length);
      const at = target.indexOf('/common-types/');
      if (url.startsWith(docs.base) && !docs.docs.has(target) && at > 0 && docs.docs.has(target.slice(at + 1))) {
        obj.$ref = `${docs.base}${target.slice(at + 1)}${pointer === undefined ? '' : `#${pointer}`}`;
        n++;
      }
    }
    for (const v of Object.values(obj)) visit(file, v);
  };
  for (const [file, doc] of docs.docs) visit(file, doc);
  return n;
}

const POLY = '__polymorphic';

/**
 * Rewrites every reference to a polymorphic base so that it also checks the subtype its discriminator names:
 * `Base__polymorphic = allOf[Base, if p == v1 then Sub1, if p == v2 then Sub2, …]`. References inside a subtype's own
 * `allOf` (its inheritance) keep pointing at the base. Returns the number of polymorphic bases found.
 */
export function applyPolymorphism(docs: SwaggerDocs): number {
  const bases = new Map<string, { file: string; name: string; prop: string }>();
  for (const [file, doc] of docs.docs) {
    for (const [name, def] of Object.entries((doc.definitions ?? {}) as Obj)) {
      if (typeof def?.discriminator === 'string')
        bases.set(docs.abs(file, `#/definitions/${name}`), { file, name, prop: def.discriminator });
    }
  }
  if (!bases.size) return 0;
  // parents: definition → the definitions it extends (allOf refs), to find every (transitive) subtype of a base.
  const parents = new Map<string, string[]>();
  const names = new Map<string, { file: string; name: string; def: Obj }>();
  for (const [file, doc] of docs.docs) {
    for (const [name, def] of Object.entries((doc.definitions ?? {}) as Obj)) {
      const key = docs.abs(file, `#/definitions/${name}`);
      names.set(key, { file, name, def });
      parents.set(
        key,
        ((def?.allOf ?? []) as Obj[]).filter((a) => a?.$ref).map((a) => docs.abs(file, String(a.$ref))),
      );
    }
  }
  const extendsBase = (key: string, base: string, seen = new Set<string>()): boolean =>
    (parents.get(key) ?? []).some((p) => p === base || (!seen.has(p) && (seen.add(p), extendsBase(p, base, seen))));
  for (const [baseKey, b] of bases) {
    const subs = [...names].filter(([key]) => key !== baseKey && extendsBase(key, baseKey));
    const doc = docs.docs.get(b.file)!;
    doc.definitions[b.name + POLY] = {
      allOf: [
        { $ref: `#/definitions/${b.name}` },
        ...subs.map(([key, s]) => ({
          if: {
            properties: { [b.prop]: { const: String(s.def['x-ms-discriminator-value'] ?? s.name) } },
            required: [b.prop],
          },
          then: { $ref: key },
        })),
      ],
    };
  }
  for (const [file, doc] of docs.docs) {
    for (const [name, def] of Object.entries((doc.definitions ?? {}) as Obj)) {
      if (name.endsWith(POLY)) continue;
      // A definition's own allOf is its inheritance: it must keep pointing at the base.
      const { allOf, ...rest } = def as Obj;
      rewrite(docs, file, rest, bases);
      if (allOf) for (const a of allOf as Obj[]) if (!a?.$ref) rewrite(docs, file, a, bases);
    }
    rewrite(docs, file, doc.paths ?? {}, bases);
  }
  return bases.size;
}

function rewrite(docs: SwaggerDocs, file: string, node: unknown, bases: Map<string, unknown>): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach((n) => rewrite(docs, file, n, bases));
  const o = node as Obj;
  if (typeof o.$ref === 'string' && bases.has(docs.abs(file, o.$ref))) o.$ref = `${docs.abs(file, o.$ref)}${POLY}`;
  for (const [k, v] of Object.entries(o)) if (k !== '$ref' && k !== 'x-ms-examples') rewrite(docs, file, v, bases);
}

/**
 * The answer view of the documents: a property marked `x-ms-secret` is never sent back by GET, PUT or PATCH (ARM RPC
 * 7.1, "No secrets in GET/PUT/PATCH responses"; secrets are read through a POST `list*` action such as Data Box's
 * listCredentials), so in that view it is not required and must be absent.
 */
export function hideSecrets(docs: SwaggerDocs): number {
  let n = 0;
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const o = node as Obj;
    if (o.properties && typeof o.properties === 'object') {
      for (const [k, p] of Object.entries(o.properties as Obj)) {
        if (p && typeof p === 'object' && (p as Obj)['x-ms-secret'] === true) {
          o.properties[k] = false;
          if (Array.isArray(o.required)) o.required = (o.required as string[]).filter((r) => r !== k);
          n++;
        }
      }
    }
    for (const [k, v] of Object.entries(o)) if (k !== 'x-ms-examples') visit(v);
  };
  for (const doc of docs.docs.values()) visit(doc.definitions ?? {});
  return n;
}
