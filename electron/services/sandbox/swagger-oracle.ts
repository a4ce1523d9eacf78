import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { repoRoot } from '../paths.ts';
import type { Exchange } from './arm.ts';
import { applyPolymorphism, hideSecrets, repointCommonTypes, SwaggerDocs, type Obj } from './swagger-poly.ts';

/**
 * The swagger-validation oracle (issue 14): every request the product sends and every answer the sandbox gives,
 * captured at the emulator (StartSandboxOptions.onArmExchange), is checked against the official swagger of its
 * api-version with ajv. The swagger files (tests/swagger/specification/) are the official ones, unchanged
 * (tests/swagger/README.md names each one's source path and commit); `$ref`s resolve by path, and Swagger 2.0
 * polymorphism (`discriminator`) is applied in memory (swagger-poly.ts), and answers of GET/PUT/PATCH/DELETE are
 * checked in a view where `x-ms-secret` properties must be absent (ARM returns secrets only from POST actions). Checked per exchange: the path parameters
 * (pattern, length), the query parameters the operation requires, the request body, the status among the documented
 * ones, the answer's body (errors against `default`), and for a long-running operation its 202 polling headers.
 * review() also follows those headers: a poll of the `Location` URL is checked against the operation's final state,
 * a poll of `Azure-AsyncOperation` against common-types' OperationStatusResult (ARM's async-operation resource).
 * Test support only: the product never loads it.
 */
const ROOT = join(repoRoot, 'tests', 'swagger', 'specification');
const BASE = 'https://specs.invalid/specification/';
/** The same documents as answers see them: `x-ms-secret` properties absent (hideSecrets). */
const ANSWER = 'https://specs.invalid/answer/specification/';
const METHODS = new Set(['get', 'put', 'post', 'patch', 'delete', 'head']);
const OPERATION_STATUS = `${ANSWER}common-types/resource-management/v3/types.json#/definitions/OperationStatusResult`;

interface Op {
  provider: string;
  apiVersion: string;
  operationId: string;
  method: string;
  re: RegExp;
  /** Names of the path template's parameters, in order (the capture groups of `re`). */
  names: string[];
  /** Literal characters of the path template: the most specific template wins when several match. */
  literal: number;
  file: string;
  params: Obj[];
  /** Absolute ref of the body parameter's schema, and whether the body is required. */
  body?: { ref: string; required: boolean };
  /** Status → { ref of the schema (absent = no body), headers }. */
  responses: Record<string, { ref?: string; headers?: Obj }>;
  lro: boolean;
  finalRef?: string;
}

export interface Checked {
  operation: string;
  problems: string[];
}
export interface Review {
  checked: Array<Checked & { exchange: Exchange }>;
  /** Exchanges no swagger held here covers (another provider, or an api-version without its swagger). */
  unchecked: Exchange[];
  /** `operationId @ api-version` of every checked exchange (polls as `… (Location poll)` / `… (Azure-AsyncOperation poll)`). */
  operations: string[];
  problems: string[];
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : n.endsWith('.json') ? [p] : [];
  });
}

const ptr = (...segs: Array<string | number>) =>
  `#/${segs.map((s) => encodeURIComponent(String(s).replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;
const header = (ex: Exchange, name: string) =>
  Object.entries(ex.responseHeaders ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
const pathOf = (url: string) => decodeURIComponent(new URL(url, 'https://x.invalid').pathname).toLowerCase();

export class SwaggerOracle {
  readonly ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  readonly docs = new SwaggerDocs(BASE);
  readonly ops: Op[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(root = ROOT) {
    const files = walk(root).map((f) => [relative(root, f).split('\\').join('/'), readFileSync(f, 'utf8')] as const);
    const answers = new SwaggerDocs(ANSWER);
    for (const [rel, text] of files) {
      this.docs.docs.set(rel, JSON.parse(text) as Obj);
      answers.docs.set(rel, JSON.parse(text) as Obj);
    }
    repointCommonTypes(this.docs);
    repointCommonTypes(answers);
    applyPolymorphism(this.docs);
    applyPolymorphism(answers);
    hideSecrets(answers);
    for (const [rel, doc] of answers.docs) this.ajv.addSchema(doc, ANSWER + rel);
    for (const [rel, doc] of this.docs.docs) {
      this.ajv.addSchema(doc, BASE + rel);
      for (const [template, item] of Object.entries((doc.paths ?? {}) as Obj)) {
        for (const [method, op] of Object.entries(item as Obj))
          if (METHODS.has(method)) this.ops.push(this.operation(rel, doc, template, item as Obj, method, op as Obj));
      }
    }
    this.ops.sort((a, b) => b.literal - a.literal);
  }

  private operation(file: string, doc: Obj, template: string, item: Obj, method: string, op: Obj): Op {
    const raw: Array<{ p: Obj; at: string }> = [
      ...((item.parameters ?? []) as Obj[]).map((p, i) => ({ p, at: ptr('paths', template, 'parameters', i) })),
      ...((op.parameters ?? []) as Obj[]).map((p, i) => ({ p, at: ptr('paths', template, method, 'parameters', i) })),
    ];
    const params = raw.map(({ p, at }) =>
      p.$ref
        ? { param: this.docs.param(file, p), at: this.docs.abs(file, String(p.$ref)) }
        : { param: p, at: BASE + file + at },
    );
    const body = params.find((x) => x.param.in === 'body');
    const skip = new Set(params.filter((x) => x.param['x-ms-skip-url-encoding']).map((x) => x.param.name));
    const parts = template.split(/\{([^}]+)\}/);
    const src = parts
      .map((s, i) => (i % 2 ? (skip.has(s) ? '(.+?)' : '([^/]+)') : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
      .join('');
    // POST actions (listCredentials, listKeys) are where secrets are read; every other answer is checked without them.
    const view = method === 'post' ? BASE : ANSWER;
    const responses = Object.fromEntries(
      Object.entries((op.responses ?? {}) as Obj).map(([code, r]) => [
        code,
        {
          ...(r.schema ? { ref: view + file + ptr('paths', template, method, 'responses', code, 'schema') } : {}),
          headers: r.headers,
        },
      ]),
    );
    const finalSchema = op['x-ms-long-running-operation-options']?.['final-state-schema'];
    return {
      provider: file.split('/')[0],
      apiVersion: String(doc.info.version),
      operationId: String(op.operationId),
      method: method.toUpperCase(),
      re: new RegExp(`^${src}/?$`, 'i'),
      names: parts.filter((_, i) => i % 2 === 1),
      literal: parts.filter((_, i) => i % 2 === 0).join('').length,
      file,
      params: params.map((x) => x.param),
      ...(body?.param.schema ? { body: { ref: `${body.at}/schema`, required: body.param.required === true } } : {}),
      responses,
      lro: op['x-ms-long-running-operation'] === true,
      ...(finalSchema
        ? { finalRef: new URL(String(finalSchema), ANSWER + file).href }
        : responses['200']?.ref
          ? { finalRef: responses['200'].ref }
          : {}),
    };
  }

  /** The api-versions this oracle holds a swagger for, per provider folder. */
  versions(): string[] {
    return [...new Set(this.ops.map((o) => `${o.provider}@${o.apiVersion}`))];
  }

  find(ex: Exchange): Op | undefined {
    const v = new URLSearchParams(ex.query).get('api-version');
    return this.ops.find((o) => o.apiVersion === v && o.method === ex.method && o.re.test(ex.path));
  }

  private check(ref: string, data: unknown): string[] {
    let v = this.compiled.get(ref);
    if (!v) this.compiled.set(ref, (v = this.ajv.compile({ $ref: ref })));
    return v(data)
      ? []
      : (v.errors ?? [])
          .filter((e) => e.keyword !== 'if')
          .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }

  private paramProblems(op: Op, ex: Exchange): string[] {
    const out: string[] = [];
    const m = op.re.exec(ex.path);
    const query = new URLSearchParams(ex.query);
    for (const p of op.params) {
      let value: string | null | undefined;
      if (p.in === 'path') value = m?.[op.names.indexOf(p.name) + 1];
      else if (p.in === 'query')
        value = [...query].find(([k]) => k.toLowerCase() === String(p.name).toLowerCase())?.[1] ?? null;
      else continue;
      if (value === null || value === undefined) {
        if (p.required) out.push(`request: the ${p.in} parameter '${p.name}' the operation requires is missing`);
        continue;
      }
      const schema: Obj = { type: p.type === 'integer' || p.type === 'number' ? 'string' : (p.type ?? 'string') };
      for (const k of ['pattern', 'minLength', 'maxLength', 'enum']) if (p[k] !== undefined) schema[k] = p[k];
      if (p.type === 'integer' && !/^-?\d+$/.test(value))
        out.push(`request: ${p.in} parameter '${p.name}' = '${value}' is not an integer`);
      else if (
        p.type !== 'integer' &&
        p.type !== 'number' &&
        p.type !== 'boolean' &&
        !this.ajv.validate(schema, value)
      ) {
        out.push(
          `request: ${p.in} parameter '${p.name}' = '${value}' ${this.ajv.errorsText(this.ajv.errors, { dataVar: '' }).trim()}`,
        );
      }
    }
    return out;
  }

  private responseProblems(op: Op, status: number, body: unknown, label = ''): string[] {
    const out: string[] = [];
    const documented = op.responses[String(status)];
    if (!documented && status < 400)
      out.push(`status ${status}${label} is not among the documented ${Object.keys(op.responses).join('/')}`);
    const response = documented ?? (status >= 400 ? op.responses.default : undefined);
    if (status >= 400 && !response) out.push(`status ${status}${label}: the swagger documents no error response`);
    if (response?.ref && body !== undefined)
      out.push(...this.check(response.ref, body).map((p) => `response ${status}${label} ${p}`));
    if (response?.ref && body === undefined && status !== 202 && status !== 204)
      out.push(`response ${status}${label} has no body where the swagger documents one`);
    if (response && !response.ref && body !== undefined)
      out.push(`response ${status}${label} has a body where the swagger documents none`);
    return out;
  }

  /** Problems of one exchange against its operation's swagger ([] = kept); undefined when no swagger covers it. */
  validate(ex: Exchange): Checked | undefined {
    const op = this.find(ex);
    if (!op) return undefined;
    const problems = this.paramProblems(op, ex);
    if (op.body && ex.requestBody !== undefined)
      problems.push(...this.check(op.body.ref, ex.requestBody).map((p) => `request ${p}`));
    // A refusal before the body was read (authorization, api-version, unregistered provider) has no body to check.
    if (op.body?.required && ex.requestBody === undefined && ex.status < 400)
      problems.push('request: the body the operation requires is missing');
    problems.push(...this.responseProblems(op, ex.status, ex.responseBody));
    if (
      op.lro &&
      (ex.status === 201 || ex.status === 202) &&
      ex.responseHeaders &&
      !header(ex, 'location') &&
      !header(ex, 'azure-asyncoperation')
    ) {
      problems.push(`long-running ${ex.status} without a Location or Azure-AsyncOperation header to poll`);
    }
    return {
      operation: `${op.operationId} @ ${op.apiVersion}`,
      problems: problems.map((p) => `${ex.method} ${ex.path}: ${p}`),
    };
  }

  /** A poll of a long-running operation's Location (final state) or Azure-AsyncOperation (status resource) URL. */
  private pollProblems(op: Op, kind: 'Location' | 'Azure-AsyncOperation', ex: Exchange): string[] {
    if (ex.method !== 'GET') return [`${kind} poll with ${ex.method}`];
    if (ex.status >= 400) return this.responseProblems(op, ex.status, ex.responseBody, ` (${kind} poll)`);
    if (kind === 'Azure-AsyncOperation') {
      if (ex.status !== 200) return [`${kind} poll answered ${ex.status}: the operation-status resource answers 200`];
      return ex.responseBody === undefined
        ? [`${kind} poll answered no operation status`]
        : this.check(OPERATION_STATUS, ex.responseBody).map((p) => `${kind} poll ${p}`);
    }
    if (ex.status === 202) return [];
    if (ex.status === 204 || (ex.status === 200 && !op.finalRef))
      return ex.responseBody === undefined
        ? []
        : [`${kind} poll ${ex.status} has a body where the operation's final state has none`];
    if (ex.status !== 200) return [`${kind} poll answered ${ex.status}`];
    return ex.responseBody === undefined
      ? [`${kind} poll 200 has no body where the final state is ${op.finalRef}`]
      : this.check(op.finalRef!, ex.responseBody).map((p) => `${kind} poll 200 ${p}`);
  }

  /** Every exchange in order, following long-running operations to their polling URLs. */
  review(exchanges: readonly Exchange[]): Review {
    const polls = new Map<string, { op: Op; kind: 'Location' | 'Azure-AsyncOperation' }>();
    const checked: Review['checked'] = [];
    const unchecked: Exchange[] = [];
    for (const ex of exchanges) {
      const op = this.find(ex);
      if (op) {
        checked.push({ exchange: ex, ...this.validate(ex)! });
        if (op.lro && (ex.status === 201 || ex.status === 202)) {
          for (const kind of ['Location', 'Azure-AsyncOperation'] as const) {
            const url = header(ex, kind.toLowerCase());
            if (url) polls.set(pathOf(url), { op, kind });
          }
        }
        continue;
      }
      const poll = polls.get(ex.path.toLowerCase());
      if (poll) {
        const problems = this.pollProblems(poll.op, poll.kind, ex).map((p) => `${ex.method} ${ex.path}: ${p}`);
        checked.push({
          exchange: ex,
          operation: `${poll.op.operationId} @ ${poll.op.apiVersion} (${poll.kind} poll)`,
          problems,
        });
      } else unchecked.push(ex);
    }
    return {
      checked,
      unchecked,
      operations: [...new Set(checked.map((c) => c.operation))].sort(),
      problems: checked.flatMap((c) => c.problems),
    };
  }
}
