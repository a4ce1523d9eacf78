/**
 * 'ImportExport': Microsoft.ImportExport jobs; 'DataBox': Microsoft.DataBox DataBoxCustomerDisk jobs (SPEC decision 1).
 * Re-exported by contract/azure.ts; kept apart so that seed.json's schema (staging.ts) does not load the Azure contract.
 */
export const JOB_BACKENDS = ['ImportExport', 'DataBox'] as const;
export type JobBackendName = (typeof JOB_BACKENDS)[number];
