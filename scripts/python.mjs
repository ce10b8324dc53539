// Runs the Python that has torch (see lib/python.mjs) with the exporter on its path: `node scripts/python.mjs ARGS...`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './lib/native-build.mjs';
import { findPython } from './lib/python.mjs';

const python = findPython();
if (!python) {
  process.stderr.write('sam2-node: no Python with torch found (set SAM2_PYTHON)\n');
  process.exit(1);
}
const r = spawnSync(python, process.argv.slice(2), {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, PYTHONPATH: join(ROOT, 'scripts', 'export') },
});
process.exit(r.status ?? 1);
