/** The datacenter simulation's view of a job (datacenter.ts), shared with the Data Box translation (dc-databox.ts). */
type Obj = Record<string, unknown>;

/** A job as the datacenter sees it, in Import/Export's vocabulary (states Shipping … Completed/Closed, drive states). */
export interface DcJob {
  name: string;
  /** Key of this job's disk map in state.datacenter. */
  mapKey: string;
  state: string;
  /** Drive objects: driveId, bitLockerKey, manifestFile, manifestHash, state, copyStatus, … (mutated in place). */
  drives: Obj[];
  storageAccountId: string;
  diagnosticsPath: string;
  verbose: boolean;
  backupManifest: boolean;
  returnCarrier: string;
  /** Copy finished: percent 100, final state, return package. */
  finish(errors: boolean): void;
  /** Writes the view back into the stored job (call before saving). */
  commit(): void;
  body(): unknown;
}
