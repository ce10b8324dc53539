import { resolve } from 'node:path';
import { onePositional } from '../cli/args.js';
import { loadModelFromFlags, MODEL_FLAGS } from '../cli/model.js';
import { readManifest, verifyModelFiles, type Manifest } from '../manifest.js';
import { native } from '../native.js';
import type { DType } from '../types.js';
import { InvalidArgumentError } from '../errors.js';
import { defineCommand } from './define.js';

const usage = `Usage: sam2-node info MODEL_DIR [--device DEVICE] [--dtype TYPE] [--threads N] [--json]

Shows what a model directory's manifest.json says, checks its files against their sha256 sums, and whether this
machine can run the model: it loads it on --device in each dtype (or in --dtype only).

Options:
  --device DEVICE      cpu, cuda or cuda:N (default: cuda when CUDA is available, else cpu)
  --dtype TYPE         try only this one of float32, bfloat16, float16
  --threads N          CPU threads (default: every core)
  --json               print the manifest and the checks as JSON
  -h, --help           show this help
`;

const FLAGS = {
  device: MODEL_FLAGS.device,
  dtype: MODEL_FLAGS.dtype,
  threads: MODEL_FLAGS.threads,
  json: { type: 'boolean' },
} as const;

export const infoCommand = defineCommand({
  summary: "show a model directory's manifest and whether this machine can run it",
  usage,
  flags: FLAGS,
  async run({ values, positionals }) {
    const dir = resolve(onePositional(positionals, 'MODEL_DIR'));
    const manifest = await readManifest(dir);
    await verifyModelFiles(dir, manifest);
    const cuda = native().cudaAvailable();
    const device = values.device ?? (cuda ? 'cuda' : 'cpu');
    // Each dtype is tried for real: which ones load depends on the device and on the libtorch the addon uses.
    const dtypes: Record<string, DtypeCheck> = {};
    for (const dtype of values.dtype === undefined ? DTYPES : [values.dtype]) {
      dtypes[dtype] = await tryLoad(dir, { ...values, device, dtype }, values.dtype !== undefined);
    }
    if (values.json) {
      const machine = { cuda, device, dtypes };
      process.stdout.write(`${JSON.stringify({ dir, manifest, filesVerified: true, machine })}\n`);
      return 0;
    }
    const bytes = Object.values(manifest.files).reduce((sum, f) => sum + f.bytes, 0);
    const { tracking } = manifest;
    const rows: [string, string][] = [
      ['model', `${manifest.name} (${dir})`],
      ['format', `version ${manifest.formatVersion}, exported with torch ${manifest.torchVersion}`],
      ['image size', `${manifest.imageSize} px (low-res masks ${manifest.imageSize / 4} px)`],
      ['backbone', backbone(manifest)],
      ['video memory', `${tracking.num_maskmem ?? '?'} frames, hole filling up to ${tracking.fill_hole_area ?? 0} px`],
      ['files', `${Object.keys(manifest.files).length} files, ${(bytes / 2 ** 20).toFixed(1)} MiB, sha256 verified`],
      ['CUDA', cuda ? 'available' : 'not available (no GPU, or an addon/libtorch built without CUDA)'],
      ...Object.entries(dtypes).map(([dtype, d]): [string, string] => [
        `${device} ${dtype}`,
        d.ok ? `runs: loaded in ${d.seconds.toFixed(2)} s, ${d.threads} threads` : `does not run: ${d.reason}`,
      ]),
    ];
    const width = Math.max(...rows.map(([k]) => k.length)) + 2;
    process.stdout.write(`${rows.map(([k, v]) => `${k.padEnd(width)}${v}`).join('\n')}\n`);
    return 0;
  },
});

const DTYPES: DType[] = ['float32', 'bfloat16', 'float16'];

type DtypeCheck = { ok: true; seconds: number; threads: number } | { ok: false; reason: string };

/** Loads the model once; a failure is the answer, unless the dtype was asked for (then it is the command's error). */
async function tryLoad(
  dir: string,
  flags: { device: string; dtype: string; threads?: string },
  asked: boolean,
): Promise<DtypeCheck> {
  const started = performance.now();
  try {
    const model = await loadModelFromFlags({ ...flags, model: dir });
    const { threads } = model.info;
    model.dispose();
    return { ok: true, seconds: (performance.now() - started) / 1000, threads };
  } catch (err) {
    // Only the dtype's own refusal answers the question; anything else (a bad --device, a damaged file) is the
    // same for every dtype, and an error.
    if (asked || !(err instanceof InvalidArgumentError) || err.parameter !== '--dtype') throw err;
    return { ok: false, reason: err.message.slice('--dtype: '.length) };
  }
}

/** The Hiera trunk's size, from the official config keys. */
function backbone(manifest: Manifest): string {
  const encoder = manifest.config.image_encoder as { trunk?: { embed_dim?: number; stages?: number[] } } | undefined;
  const trunk = encoder?.trunk;
  if (!trunk) return 'unknown';
  return `Hiera, embed_dim ${trunk.embed_dim ?? '?'}, stages [${(trunk.stages ?? []).join(', ')}]`;
}
