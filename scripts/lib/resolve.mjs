// Dependencies are found the way Node finds them from this package: in its own node_modules/, hoisted to a
// project's, in a workspace root or in pnpm's store. npm rarely leaves them under the package itself.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The directory of an installed package, or null when Node cannot find it from here. */
export function packageDir(name) {
  // Node's own lookup folders rather than require.resolve('<name>/package.json'), which a package's `exports`
  // may forbid (sharp's does).
  for (const folder of require.resolve.paths(name) ?? []) {
    if (existsSync(join(folder, name, 'package.json'))) return join(folder, name);
  }
  return null;
}

/** The script a package's `bin` entry `command` runs (run it with process.execPath: no PATH or shims needed). */
export function packageBin(name, command = name) {
  const dir = packageDir(name);
  if (!dir) throw new Error(`${name} is not installed where Node can find it from ${fileURLToPath(new URL('.', import.meta.url))}`);
  const { bin } = require(join(dir, 'package.json'));
  const file = typeof bin === 'string' ? bin : bin?.[command];
  if (!file) throw new Error(`${name} has no '${command}' command`);
  return join(dir, file);
}
