// Everything `npm test`, `npm run demo` and `npm run bench` need, on a fresh machine or an existing
// checkout: system packages, npm packages, the addon, the compiled TypeScript and the test model.
// Each step is skipped when it is already up to date, so running it before every command is cheap.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, compileAddon, ensureAddon } from './lib/native-build.mjs';
import { packageDir } from './lib/resolve.mjs';
import { ensureSystemDeps } from './lib/system-deps.mjs';
import { ensureTestModel } from './lib/test-model.mjs';
import { ensureTypeScript } from './lib/typescript.mjs';
import { log, run } from './lib/run.mjs';

try {
  ensureSystemDeps();
  // Any dependency missing (a fresh clone, or one added since the last install) means `npm install`.
  const { dependencies = {}, devDependencies = {} } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  if (Object.keys({ ...dependencies, ...devDependencies }).some((name) => !packageDir(name))) {
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
