import { AppError } from '../../shared/errors.ts';
import type { JobBackendName } from '../../shared/contract/azure.ts';

const JOB_TYPES: Record<string, JobBackendName> = { 'data-box': 'DataBox', 'import-export': 'ImportExport' };

/** `--job-type data-box|import-export` (obc backup, diskprep, jobs) → the backend; undefined when not given. */
export function jobTypeOf(v: string | undefined): JobBackendName | undefined {
  if (v === undefined) return undefined;
  // Own keys only: "constructor" must not come back as a backend.
  if (!Object.prototype.hasOwnProperty.call(JOB_TYPES, v))
    throw new AppError('VALIDATION', `--job-type "${v}" must be data-box or import-export.`);
  return JOB_TYPES[v];
}
