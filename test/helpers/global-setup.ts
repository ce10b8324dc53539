// The CLI and worker_threads tests run the compiled package (dist/), as users do: never let them test stale code.
// @ts-expect-error -- a plain .mjs build script without type declarations
import { ensureTypeScript } from '../../scripts/lib/typescript.mjs';

export default function setup(): void {
  (ensureTypeScript as () => void)();
}
