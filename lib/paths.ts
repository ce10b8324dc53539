import { fileURLToPath } from 'node:url';

/** The package's root directory; lib/*.ts (run by vitest) and dist/*.js (published) both sit one level below it. */
export const packageRoot = fileURLToPath(new URL('..', import.meta.url));
