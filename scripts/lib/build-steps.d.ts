/** True when out/renderer is missing or older than renderer/ or shared/ sources. */
export declare function rendererIsStale(): Promise<boolean>;
export declare function buildRenderer(): Promise<void>;
/** Electron main (ESM) and the sandboxed preload (one CJS file) bundled with esbuild. */
export declare function buildElectron(): Promise<void>;
