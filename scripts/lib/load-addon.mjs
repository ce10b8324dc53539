// Loads the addon for the library, the CLI and the install script alike. The prebuilt addon names libtorch's
// libraries by soname (libtorch_cpu.so.1.13, ...) and carries no path to them: Debian's libtorch1.13 is on the
// loader's path, a libtorch elsewhere (LIBTORCH, Torch_DIR) is loaded first so that those names are already
// satisfied. An addon built from source finds its libtorch by RUNPATH; loading the same files first changes nothing.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);

/** The `code` of the error thrown when no libtorch could be found; lib/native.ts makes it a typed error. */
export const LIBTORCH_NOT_FOUND = 'SAM2_LIBTORCH_NOT_FOUND';

// In dependency order. The loader matches a DT_NEEDED soname against libraries already loaded whatever their
// scope, so RTLD_LOCAL is enough, and it keeps a libtorch whose sonames do not match (a pip torch beside Debian's)
// from lending its symbols to an addon linked against the other. glibc's RTLD_NODELETE (not in os.constants):
// process.dlopen closes a library that registers no addon, which would unload it again.
const LIBRARIES = ['libc10', 'libtorch_cpu', 'libtorch'];
const RTLD_NODELETE = 0x1000;
const DEBIAN_LIBTORCH = '/usr/lib/x86_64-linux-gnu/libtorch_cpu.so.1.13';

/** The folder of libtorch's shared libraries named by LIBTORCH (its root) or Torch_DIR (<root>/share/cmake/Torch). */
function userLibtorchDir(env = process.env) {
  if (env.LIBTORCH) return join(env.LIBTORCH, 'lib');
  if (env.Torch_DIR) return resolve(env.Torch_DIR, '..', '..', '..', 'lib');
  return null;
}

/** What to run to get a libtorch the addon can load, for this user on this machine. */
function libtorchAdvice() {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const debian = existsSync('/etc/debian_version');
  if (root && debian) return 'install it with: apt-get install libtorch1.13 libopenblas0-pthread';
  return (
    'install PyTorch for your user and build the addon against it (needs cmake and a C++17 compiler):\n' +
    '  pip install torch --index-url https://download.pytorch.org/whl/cpu\n' +
    '  export LIBTORCH="$(python3 -c \'import torch, os; print(os.path.dirname(torch.__file__))\')"\n' +
    '  npm rebuild sam2-node' +
    (debian ? '\n(or have an administrator run: apt-get install libtorch1.13 libopenblas0-pthread)' : '')
  );
}

function notFound(detail) {
  const err = new Error(`sam2-node cannot find libtorch (${detail}); ${libtorchAdvice()}`);
  err.code = LIBTORCH_NOT_FOUND;
  return err;
}

/** Loads the libtorch named by LIBTORCH/Torch_DIR, if any, so that the addon's sonames resolve to it. */
function preloadLibtorch(env = process.env) {
  const dir = userLibtorchDir(env);
  // Prebuilds exist for Linux only; elsewhere the addon is built here and finds libtorch by its rpath.
  if (!dir || process.platform !== 'linux') return;
  const files = existsSync(dir) ? readdirSync(dir) : [];
  const flags = constants.dlopen.RTLD_NOW | constants.dlopen.RTLD_LOCAL | RTLD_NODELETE;
  for (const name of LIBRARIES) {
    const file = files.filter((f) => f === `${name}.so` || f.startsWith(`${name}.so.`)).sort()[0];
    if (!file) throw notFound(`no ${name}.so in ${dir}, named by ${env.LIBTORCH ? 'LIBTORCH' : 'Torch_DIR'}`);
    try {
      process.dlopen({ exports: {} }, join(dir, file), flags);
    } catch (err) {
      // Expected: a plain shared library registers no addon. It is loaded all the same.
      if (!/did not self-register/.test(err.message)) throw err;
    }
  }
}

/** The addon's exports: libtorch first (see above), then the addon node-gyp-build picks for this platform. */
export function loadAddon(packageRoot, env = process.env) {
  preloadLibtorch(env);
  try {
    return require('node-gyp-build')(packageRoot);
  } catch (err) {
    const missing = /(lib(?:torch|c10)\w*\.so[\w.]*): cannot open shared object file/.exec(err.message)?.[1];
    if (!missing) throw err;
    const where = userLibtorchDir(env) ?? `the system's library path (Debian: ${DEBIAN_LIBTORCH})`;
    throw notFound(`the addon needs ${missing}, not found in ${where}`);
  }
}
