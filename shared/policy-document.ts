/**
 * Policy as data (issue 16): `obc policy set --file` reads a policy written by hand or by `obc policy show --json`
 * on another server, and checks it with the same schema as the wizard (policyInputSchema). Pure.
 */
import { AppError } from './errors.ts';
import { policyInputSchema, upgradePolicyV1, type PolicyInput } from './policy-schema.ts';

/** Fields of a saved policy that belong to the machine that saved it; a document may carry them, they are not taken. */
export const MACHINE_FIELDS = ['id', 'createdAt', 'updatedAt', 'state', 'seed', 'lastRuns'] as const;

export interface PolicyDocument {
  policy: PolicyInput;
  /** What was read but not taken, in plain words. */
  notes: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Accepts `obc policy show --json` output (`{ type: 'result', result: { policy } }`), a `{ policy: … }` object, or the
 * policy object itself. Throws AppError VALIDATION listing every bad field as `path: message`.
 */
export function readPolicyDocument(text: string, source = 'the policy file'): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AppError('VALIDATION', `${source} is not valid JSON: ${(err as Error).message}`);
  }
  if (isObject(raw) && raw.type === 'result' && isObject(raw.result)) raw = raw.result;
  if (isObject(raw) && 'policy' in raw && !('items' in raw)) raw = raw.policy;
  if (raw === null) throw new AppError('VALIDATION', `${source} holds no policy (the machine it came from had none).`);
  if (!isObject(raw))
    throw new AppError(
      'VALIDATION',
      `${source} must hold a JSON object with the policy (items, exclusions, schedule, retention, initialBackup).`,
    );
  const notes: string[] = [];
  const dropped = MACHINE_FIELDS.filter((k) => k in raw);
  const rest: Record<string, unknown> = { ...raw };
  for (const k of dropped) delete rest[k];
  if (dropped.length)
    notes.push(`Not taken from ${source} (they belong to the machine that saved it): ${dropped.join(', ')}.`);
  if (isObject(rest.exclusions) && !('fileTypes' in rest.exclusions))
    rest.exclusions = { ...rest.exclusions, fileTypes: [] };
  const upgraded = upgradePolicyV1(rest);
  if (upgraded !== rest)
    notes.push(
      `${source} has retention rows of policy format 1; they were read with the defaults for its schedule (see obc policy show).`,
    );
  const r = policyInputSchema.safeParse(upgraded);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.length ? i.path.join('.') : '(the policy)'}: ${i.message}`);
    throw new AppError('VALIDATION', `${source} is not a valid backup policy:\n${lines.join('\n')}`, {
      issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    });
  }
  return { policy: r.data, notes };
}
