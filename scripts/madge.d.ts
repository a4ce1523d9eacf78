// The part of madge's API (https://github.com/pahen/madge#api) that scripts/import-cycles.test.ts uses; madge ships no types.
declare module 'madge' {
  interface MadgeConfig {
    baseDir?: string;
    fileExtensions?: string[];
    tsConfig?: string;
    excludeRegExp?: RegExp[];
  }
  interface MadgeResult {
    /** Every import cycle, each as the files on it (relative to baseDir). */
    circular(): string[][];
    /** Each file read and the files it imports. */
    obj(): Record<string, string[]>;
    /** Files that could not be resolved or parsed. */
    warnings(): { skipped: string[] };
  }
  export default function madge(paths: string | string[], config?: MadgeConfig): Promise<MadgeResult>;
}
