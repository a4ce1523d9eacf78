export declare function serve(argv: string[]): Promise<void>;
