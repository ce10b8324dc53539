// Everything `npm test`, `npm run demo` and `npm run bench` need, on a fresh machine or an existing
// checkout: system packages, npm packages, the addon, the compiled TypeScript and the test model.
// Each step is skipped when it is already up to date, so running it before every command is cheap.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, compileAddon, ensureAddon } from './lib/native-build.mjs';
import { ensureSystemDeps } from './lib/system-deps.mjs';
import { ensureTestModel } from './lib/test-model.mjs';
import { log, run } from './lib/run.mjs';

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

function ensureTypeScript() {
  const built = join(ROOT, 'dist', 'index.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(join(ROOT, 'lib'), '.ts')) return;
  log('compiling TypeScript');
  run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')]);
}

try {
  ensureSystemDeps();
  if (!existsSync(join(ROOT, 'node_modules', 'cmake-js'))) {
    log('installing npm packages');
    run('npm', ['install', '--no-audit', '--no-fund'], { cwd: ROOT, env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
  }
  // In a checkout with a build tree, always let CMake bring it up to date (a no-op when nothing changed).
  if (existsSync(join(ROOT, 'build', 'CMakeCache.txt'))) compileAddon();
  else ensureAddon();
  ensureTypeScript();
  ensureTestModel();
} catch (err) {
  process.stderr.write(`sam2-node setup: ${err.message}\n`);
  process.exit(1);
}
