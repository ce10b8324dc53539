import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fetchFile, fileSha256 } from '../cli/fetch-file.js';
import { onePositional, parseInteger } from '../cli/args.js';
import { Sam2Error } from '../errors.js';
import { Sam2Model } from '../model.js';
import { packageRoot } from '../paths.js';
import { UsageError } from './command.js';
import { defineCommand } from './define.js';
import { exportCommand } from './export.js';

const DEFAULT_BASE_URL = 'https://dl.fbaipublicfiles.com/segment_anything_2/092824/';

/**
 * The official SAM 2.1 checkpoints, shared with the exporter (which warns about other files on a torch whose
 * weights_only loading is unsafe). Sizes and sha256 sums are those of the Git LFS pointers Meta published for the
 * same files on Hugging Face (facebook/sam2.1-hiera-tiny, facebook/sam2.1-hiera-small); for base_plus and large,
 * the pointers of public mirrors of all four files (e.g. camenduru/sam2-1-hiera, whose tiny and small match
 * Meta's; the large one also matches wondervictor/Mask-Adapter's copy).
 */
const CHECKPOINTS = JSON.parse(
  readFileSync(join(packageRoot, 'scripts', 'export', 'sam2_export', 'official_checkpoints.json'), 'utf8'),
) as Record<string, { bytes: number; sha256: string }>;
const SIZES = Object.keys(CHECKPOINTS);

const usage = `Usage: sam2-node download <${SIZES.join('|')}> [--dir DIR] [options]

Downloads an official SAM 2.1 checkpoint, checks its size and sha256, and exports it into a model directory
DIR/sam2.1_hiera_<size> that --model takes. Progress goes to stderr. A download cut short is resumed: by
the next try (--retries), else by running the same command again. The checkpoint is kept in DIR.

Options:
  --dir DIR            where the checkpoint and the model directory go (default: models)
  --base-url URL       where to download from (default: $SAM2_DOWNLOAD_BASE_URL, else
                       ${DEFAULT_BASE_URL})
  --sha256 HEX         expect this sha256 instead of the known one (for a mirror serving other files)
  --config NAME|FILE   the export's config (default: the size's); see 'sam2-node export --help'
  --retries N          tries after a dropped connection (default: 3)
  --no-export          stop after downloading and checking the checkpoint
  -h, --help           show this help

Sizes: ${SIZES.map((s) => `${s} (${(CHECKPOINTS[s].bytes / 2 ** 20).toFixed(0)} MiB)`).join(', ')}.
Exporting runs Python with PyTorch; see 'sam2-node export --help'.
`;

const FLAGS = {
  dir: { type: 'string' },
  'base-url': { type: 'string' },
  sha256: { type: 'string' },
  config: { type: 'string' },
  retries: { type: 'string' },
  'no-export': { type: 'boolean' },
} as const;

export const downloadCommand = defineCommand({
  summary: 'download an official SAM 2.1 checkpoint and export it',
  usage,
  flags: FLAGS,
  async run({ values, positionals }) {
    const size = onePositional(positionals, 'the model size');
    if (!SIZES.includes(size)) throw new UsageError(`expected a model size, one of ${SIZES.join(', ')}, got '${size}'`);
    const baseUrl = checkBaseUrl(values['base-url'] ?? process.env.SAM2_DOWNLOAD_BASE_URL ?? DEFAULT_BASE_URL);
    const sha256 = values.sha256 === undefined ? undefined : checkSha256(values.sha256);
    const retries = values.retries === undefined ? 3 : parseInteger(values.retries, '--retries', 0);
    const config = values.config ?? size;
    if (values.config !== undefined && !SIZES.includes(config)) await mustBeFile(resolve(config), '--config');

    const dir = resolve(values.dir ?? 'models');
    const name = `sam2.1_hiera_${size}`;
    const checkpoint = join(dir, `${name}.pt`);
    const modelDir = join(dir, name);
    // A --sha256 names other bytes than the official file's, so the official size no longer applies either.
    const expected = sha256 === undefined ? CHECKPOINTS[size] : { sha256, bytes: undefined };

    await mkdir(dir, { recursive: true });
    if (await isFile(checkpoint)) {
      process.stderr.write(`download: ${checkpoint} is already there; checking its sha256\n`);
      const actual = await fileSha256(checkpoint);
      if (actual !== expected.sha256) {
        throw new Sam2Error(`${checkpoint}: sha256 ${actual}, expected ${expected.sha256}: delete it and run again`);
      }
    } else {
      const url = new URL(`${name}.pt`, baseUrl).href;
      process.stderr.write(`download: ${url} -> ${checkpoint}\n`);
      await fetchFile({ url, dest: checkpoint, ...expected, retries });
    }
    process.stderr.write(`download: ${checkpoint}: size and sha256 verified\n`);
    if (values['no-export']) return 0;

    if (await isFile(join(modelDir, 'manifest.json'))) {
      process.stderr.write(`download: ${modelDir} is already exported (delete it to export again)\n`);
    } else {
      await exportModel(checkpoint, config, modelDir);
    }
    // The exporter loaded the checkpoint strictly; loading its output proves the model directory works here.
    const model = await Sam2Model.load(modelDir);
    model.dispose();
    process.stdout.write(
      `${modelDir} is ready:\n  sam2-node segment IMAGE --model ${modelDir} --point X,Y\n` +
        `  sam2-node track FRAMES_DIR --model ${modelDir} --object 1:X,Y\n`,
    );
    return 0;
  },
});

/** Exports into a scratch directory renamed into place, so a failed export leaves no half-written model. */
async function exportModel(checkpoint: string, config: string, modelDir: string): Promise<void> {
  const scratch = `${modelDir}.partial`;
  await rm(scratch, { recursive: true, force: true });
  const code = await exportCommand.run(['--checkpoint', checkpoint, '--config', config, '--out', scratch]);
  if (code !== 0) {
    await rm(scratch, { recursive: true, force: true });
    throw new Sam2Error(`the export failed (exit code ${code}); the verified checkpoint stays in ${checkpoint}`);
  }
  await rm(modelDir, { recursive: true, force: true });
  await rename(scratch, modelDir);
}

function checkBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--base-url: expected an http(s) URL, got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--base-url: expected an http(s) URL, got '${value}'`);
  }
  // new URL(file, base) replaces the base's last path segment unless the base ends in '/'.
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

function checkSha256(value: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(value)) throw new UsageError(`--sha256: expected 64 hex digits, got '${value}'`);
  return value.toLowerCase();
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function mustBeFile(path: string, flag: string): Promise<void> {
  if (!(await isFile(path))) throw new Sam2Error(`${flag}: no such file: ${path}`);
}
