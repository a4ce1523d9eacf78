import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { repoRoot } from '../paths.ts';
import type { Exchange } from './arm.ts';

/**
 * The swagger-validation oracle (issue 14): every request the product sends and every answer the sandbox gives,
 * captured at the emulator (StartSandboxOptions.onArmExchange), is checked against the official swagger of its
 * api-version with ajv. The swagger files (tests/swagger/specification/) are the official ones, unchanged
 * (tests/swagger/README.md names each one's source path and commit); their `$ref`s, including those into
 * common-types, resolve by path. Test support only: the product never loads it.
 */
const ROOT = join(repoRoot, 'tests', 'swagger', 'specification');
const BASE = 'https://specs.invalid/specification/';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Op {
  provider: string;
  apiVersion: string;
  operationId: string;
  method: string;
  re: RegExp;
  file: string;
  body?: Obj;
  responses: Record<string, Obj>;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : n.endsWith('.json') ? [p] : [];
  });
}

const pathRe = (template: string) => new RegExp(`^${template.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+')}/?$`, 'i');

export class SwaggerOracle {
  readonly ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  readonly ops: Op[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    for (const file of walk(ROOT)) {
      const rel = relative(ROOT, file).split('\\').join('/');
      const doc = JSON.parse(readFileSync(file, 'utf8')) as Obj;
      this.ajv.addSchema(doc, BASE + rel);
      for (const [template, item] of Object.entries((doc.paths ?? {}) as Obj)) {
        for (const [method, op] of Object.entries(item as Obj)) {
          const body = ((op.parameters ?? []) as Obj[]).find((p) => p.in === 'body');
          this.ops.push({
            provider: rel.split('/')[0],
            apiVersion: String(doc.info.version),
            operationId: String(op.operationId),
            method: method.toUpperCase(),
            re: pathRe(template),
            file: rel,
            ...(body?.schema ? { body: body.schema as Obj } : {}),
            responses: op.responses as Obj,
          });
        }
      }
    }
  }

  /** The api-versions this oracle holds a swagger for, per provider folder. */
  versions(): string[] {
    return [...new Set(this.ops.map((o) => `${o.provider}@${o.apiVersion}`))];
  }

  find(ex: Exchange): Op | undefined {
    const v = new URLSearchParams(ex.query).get('api-version');
    return this.ops.find((o) => o.apiVersion === v && o.method === ex.method && o.re.test(ex.path));
  }

  private check(file: string, schema: Obj, data: unknown): string[] {
    const ref = schema.$ref ? new URL(String(schema.$ref), BASE + file).href : undefined;
    const key = ref ?? `${file}:${JSON.stringify(schema)}`;
    let v = this.compiled.get(key);
    if (!v) {
      v = ref ? this.ajv.compile({ $ref: ref }) : this.ajv.compile(schema);
      this.compiled.set(key, v);
    }
    return v(data) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }

  /** Problems of one exchange against its operation's swagger ([] = kept); undefined when no swagger covers it. */
  validate(ex: Exchange): { operation: string; problems: string[] } | undefined {
    const op = this.find(ex);
    if (!op) return undefined;
    const problems: string[] = [];
    if (op.body && ex.requestBody !== undefined) problems.push(...this.check(op.file, op.body, ex.requestBody).map((p) => `request ${p}`));
    // A refusal before the body was read (authorization, api-version, unregistered provider) has no body to check.
    if (op.body && ex.requestBody === undefined && ex.status < 400) problems.push('request: the body the operation requires is missing');
    const documented = op.responses[String(ex.status)];
    if (!documented && ex.status < 400) problems.push(`status ${ex.status} is not among the documented ${Object.keys(op.responses).join('/')}`);
    const response = documented ?? (ex.status >= 400 ? op.responses.default : undefined);
    if (response?.schema && ex.responseBody !== undefined) problems.push(...this.check(op.file, response.schema as Obj, ex.responseBody).map((p) => `response ${ex.status} ${p}`));
    if (response && !response.schema && ex.responseBody !== undefined) problems.push(`response ${ex.status} has a body where the swagger documents none`);
    return { operation: `${op.operationId} @ ${op.apiVersion}`, problems: problems.map((p) => `${ex.method} ${ex.path}: ${p}`) };
  }
}
