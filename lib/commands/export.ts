import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { delimiter, extname, join, resolve } from 'node:path';
import { Sam2Error } from '../errors.js';
import { packageRoot } from '../paths.js';
import { findPython } from '../python.js';
import { required } from '../cli/args.js';
import { UsageError } from './command.js';
import { defineCommand } from './define.js';

const CONFIG_NAMES = ['tiny', 'small', 'base_plus', 'large'];
const CONFIG_EXTENSIONS = ['.json', '.yaml', '.yml'];

const usage = `Usage: sam2-node export --checkpoint FILE.pt --config NAME|FILE --out DIR [--image-size N] [--name NAME]

Converts an official SAM 2 / SAM 2.1 checkpoint into a model directory for Sam2Model.load().

Options:
  --checkpoint FILE    the official checkpoint, e.g. sam2.1_hiera_tiny.pt
  --config NAME|FILE   ${CONFIG_NAMES.join(', ')} (SAM 2.1), or a ${CONFIG_EXTENSIONS.join('/')} config file
  --out DIR            where to write the model directory
  --image-size N       model input size, a multiple of 32 (default: the config's)
  --name NAME          model name in the manifest (default: the checkpoint's file name without .pt)
  -h, --help           show this help

Runs \`python -m sam2_export\` with $SAM2_PYTHON, else the first of python3, /usr/bin/python3 that can import torch.
`;

const FLAGS = {
  checkpoint: { type: 'string' },
  config: { type: 'string' },
  out: { type: 'string' },
  'image-size': { type: 'string' },
  name: { type: 'string' },
} as const;

export const exportCommand = defineCommand({
  summary: 'convert an official SAM 2 checkpoint into a model directory',
  usage,
  flags: FLAGS,
  async run({ values: flags, positionals }) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const checkpoint = resolve(required(flags.checkpoint, '--checkpoint'));
    const config = checkConfig(required(flags.config, '--config'));
    const out = resolve(required(flags.out, '--out'));
    const optional = [
      ...(flags['image-size'] === undefined ? [] : ['--image-size', checkImageSize(flags['image-size'])]),
      ...(flags.name ? ['--name', flags.name] : []),
    ];

    await mustBeFile(checkpoint, '--checkpoint');
    if (!CONFIG_NAMES.includes(config)) await mustBeFile(config, '--config');
    const python = await findPython();
    const exportArgs = ['-m', 'sam2_export', '--checkpoint', checkpoint, '--config', config, '--out', out, ...optional];
    return runPython(python, exportArgs);
  },
});

/** A config name as is, or a config file's absolute path. */
function checkConfig(config: string): string {
  if (CONFIG_NAMES.includes(config)) return config;
  if (CONFIG_EXTENSIONS.includes(extname(config).toLowerCase())) return resolve(config);
  throw new UsageError(
    `--config: expected one of ${CONFIG_NAMES.join(', ')} or a ${CONFIG_EXTENSIONS.join('/')} file, got '${config}'`,
  );
}

function checkImageSize(value: string): string {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n === 0 || n % 32 !== 0) {
    throw new UsageError(`--image-size: expected a positive multiple of 32, got '${value}'`);
  }
  return String(n);
}

async function mustBeFile(path: string, flag: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw new Sam2Error(`${flag}: no such file: ${path}`);
}

function runPython(python: string, args: string[]): Promise<number> {
  const exporterPath = join(packageRoot, 'scripts', 'export');
  const inherited = process.env.PYTHONPATH;
  const env = { ...process.env, PYTHONPATH: inherited ? `${exporterPath}${delimiter}${inherited}` : exporterPath };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, args, { env, stdio: 'inherit' });
    child.on('error', (err) => reject(new Sam2Error(`could not run ${python}: ${err.message}`, { cause: err })));
    child.on('exit', (code, signal) => {
      if (signal) process.stderr.write(`sam2-node: the exporter was killed by ${signal}\n`);
      resolvePromise(code ?? 1);
    });
  });
}
