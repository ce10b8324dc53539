// Types for lib/native.ts, which loads the addon through this plain-JS module (shared with the install script).
export declare const LIBTORCH_NOT_FOUND: 'SAM2_LIBTORCH_NOT_FOUND';
export declare function loadAddon(packageRoot: string, env?: NodeJS.ProcessEnv): unknown;
