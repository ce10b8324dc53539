// dist/ is what users (and the CLI and worker_threads tests) run: recompile it whenever lib/ is newer.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './native-build.mjs';
import { packageBin } from './resolve.mjs';
import { log, run } from './run.mjs';

function newestMtime(dir, suffix) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    if (s.isDirectory()) newest = Math.max(newest, newestMtime(p, suffix));
    else if (name.endsWith(suffix)) newest = Math.max(newest, s.mtimeMs);
  }
  return newest;
}

export function ensureTypeScript() {
  const built = join(ROOT, 'dist', 'index.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(join(ROOT, 'lib'), '.ts')) return;
  log('compiling TypeScript');
  run(process.execPath, [packageBin('typescript', 'tsc'), '-p', join(ROOT, 'tsconfig.json')]);
}
