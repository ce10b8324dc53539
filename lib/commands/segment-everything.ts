// `segment IMAGE --everything`: automatic mask generation from the command line. Every mask goes to one overlay,
// each in its own colour, and with --json to a COCO-style annotation file.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import type { GenerateMasksOptions, MaskRecord } from '../amg/types.js';
import { parseInteger } from '../cli/args.js';
import { readRgbImage } from '../cli/images.js';
import { loadModelFromFlags } from '../cli/model.js';
import { Progress } from '../cli/progress.js';
import type { CocoRle } from '../output/rle.js';
import { renderOverlayPng } from '../output/overlay.js';
import { rleToMask } from '../output/rle.js';
import { UsageError } from './command.js';

/** The generator's options as flags: `--points-per-side` for `pointsPerSide`, and so on. */
export const EVERYTHING_FLAGS = {
  everything: { type: 'boolean' },
  'points-per-side': { type: 'string' },
  'points-per-batch': { type: 'string' },
  'pred-iou-thresh': { type: 'string' },
  'stability-score-thresh': { type: 'string' },
  'stability-score-offset': { type: 'string' },
  'mask-threshold': { type: 'string' },
  'box-nms-thresh': { type: 'string' },
  'crop-n-layers': { type: 'string' },
  'crop-nms-thresh': { type: 'string' },
  'crop-overlap-ratio': { type: 'string' },
  'crop-n-points-downscale-factor': { type: 'string' },
  'min-mask-region-area': { type: 'string' },
  'use-m2m': { type: 'boolean' },
  'single-mask': { type: 'boolean' },
} as const;

export const everythingHelp = `Segment everything (--everything, no prompt): a grid of clicks over the whole image, every mask that passes
the quality filters, as the official SAM2AutomaticMaskGenerator. Writes one overlay with each mask in its own
colour (PATH.overlay.png, default IMAGE's name + -everything.overlay.png) and, with --json, a COCO-style annotation
file PATH.json (RLE masks, area, bbox, scores, point_coords, crop_box); prints a summary. Options (defaults as the
official generator's):
  --points-per-side N          grid points per side (32)
  --points-per-batch N         clicks per decoder call, memory vs speed (64)
  --pred-iou-thresh X          keep masks with predicted IoU above X (0.8)
  --stability-score-thresh X   keep masks with stability score >= X (0.95)
  --stability-score-offset X   logit offset of the stability score (1)
  --mask-threshold X           logit threshold of the masks (0)
  --box-nms-thresh X           box IoU above which duplicates are dropped (0.7)
  --crop-n-layers N            crop layers, each crop encoded again (0)
  --crop-nms-thresh X          box IoU for duplicates between crops (0.7)
  --crop-overlap-ratio X       crop overlap, fraction of the short side (0.3413)
  --crop-n-points-downscale-factor N   fewer points per side in deeper layers (1)
  --min-mask-region-area N     fill holes / remove islands up to N low-res pixels (0)
  --use-m2m                    one refinement step with each mask as a prompt
  --single-mask                one mask per click instead of three`;

type Values = Parameters<typeof loadModelFromFlags>[0] & { [K in keyof typeof EVERYTHING_FLAGS]?: string | boolean } & {
  out?: string;
  json?: boolean;
  'no-overlay'?: boolean;
};

/** A generator flag given without --everything, which would otherwise be ignored in silence. */
export function strayGeneratorFlag(values: Record<string, unknown>): string | undefined {
  const flag = Object.keys(EVERYTHING_FLAGS).find((f) => f !== 'everything' && values[f] !== undefined);
  return flag && `--${flag}`;
}

function decimal(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag}: expected a number, got '${value}'`);
  return n;
}

/** The generator options the flags set; unset flags keep the official defaults. */
function optionsFromFlags(values: Values): GenerateMasksOptions {
  const o: GenerateMasksOptions = {};
  const int = (flag: string, min: number) => {
    const v = values[flag as keyof Values];
    return typeof v === 'string' ? parseInteger(v, `--${flag}`, min) : undefined;
  };
  const num = (flag: string) => {
    const v = values[flag as keyof Values];
    return typeof v === 'string' ? decimal(v, `--${flag}`) : undefined;
  };
  const set = <K extends keyof GenerateMasksOptions>(key: K, v: GenerateMasksOptions[K] | undefined) => {
    if (v !== undefined) o[key] = v;
  };
  set('pointsPerSide', int('points-per-side', 1));
  set('pointsPerBatch', int('points-per-batch', 1));
  set('predIouThresh', num('pred-iou-thresh'));
  set('stabilityScoreThresh', num('stability-score-thresh'));
  set('stabilityScoreOffset', num('stability-score-offset'));
  set('maskThreshold', num('mask-threshold'));
  set('boxNmsThresh', num('box-nms-thresh'));
  set('cropNLayers', int('crop-n-layers', 0));
  set('cropNmsThresh', num('crop-nms-thresh'));
  set('cropOverlapRatio', num('crop-overlap-ratio'));
  set('cropNPointsDownscaleFactor', int('crop-n-points-downscale-factor', 1));
  set('minMaskRegionArea', int('min-mask-region-area', 0));
  if (values['use-m2m']) o.useM2m = true;
  if (values['single-mask']) o.multimask = false;
  return o;
}

/** The COCO-style annotation file: one image, one category, a record per mask with the generator's extras. */
function cocoAnnotations(imagePath: string, width: number, height: number, records: MaskRecord[]) {
  return {
    images: [{ id: 1, file_name: basename(imagePath), width, height }],
    categories: [{ id: 1, name: 'object' }],
    annotations: records.map((r, i) => ({
      id: i + 1,
      image_id: 1,
      category_id: 1,
      iscrowd: 0,
      segmentation: r.rle as CocoRle,
      area: r.area,
      bbox: r.bbox,
      predicted_iou: r.predictedIou,
      stability_score: r.stabilityScore,
      point_coords: r.pointCoords,
      crop_box: r.cropBox,
    })),
  };
}

function outputStem(out: string | undefined, imagePath: string): string {
  if (out !== undefined && extname(out).toLowerCase() !== '.png') {
    throw new UsageError(`--out: expected a path ending in .png, got '${out}'`);
  }
  return resolve(out === undefined ? `${basename(imagePath, extname(imagePath))}-everything` : out.slice(0, -4));
}

export async function runEverything(values: Values, imagePath: string): Promise<number> {
  const options = optionsFromFlags(values);
  const stem = outputStem(values.out, imagePath);
  const overlay = values['no-overlay'] ? null : `${stem}.overlay.png`;
  const annotations = values.json ? `${stem}.json` : null;
  if ([overlay, annotations].includes(imagePath)) throw new UsageError(`--out: would overwrite ${imagePath}`);

  const image = await readRgbImage(imagePath, 'IMAGE');
  const model = await loadModelFromFlags(values);
  const started = performance.now();
  // The number of decoder batches comes with the first report.
  const progress = new Progress({ label: 'segment everything', unit: 'batches' });
  let records: MaskRecord[];
  try {
    records = await model.generateMasks(image, {
      ...options,
      outputMode: 'coco-rle',
      onProgress: (done, total) => {
        progress.setTotal(total);
        progress.update(done);
      },
    });
  } finally {
    model.dispose();
  }
  progress.finish();
  const seconds = (performance.now() - started) / 1000;
  const { width, height } = image;

  await mkdir(dirname(stem), { recursive: true });
  if (overlay) {
    // Largest first, so small masks stay visible on top of the big ones they sit in.
    const order = [...records].sort((a, b) => b.area - a.area);
    const masks = order.map((r) => rleToMask(r.rle as CocoRle));
    await writeFile(overlay, await renderOverlayPng(image, masks));
  }
  if (annotations) {
    await writeFile(annotations, `${JSON.stringify(cocoAnnotations(imagePath, width, height, records))}\n`);
  }

  const { name, device, dtype } = model.info;
  if (values.json) {
    const summary = { image: imagePath, width, height, model: name, seconds, count: records.length, annotations, overlay };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  }
  const lines = [`${imagePath}: ${width}x${height}, ${name} on ${device} (${dtype}), ${seconds.toFixed(2)} s`];
  lines.push(`  ${records.length} masks`);
  if (overlay) lines.push(`  overlay -> ${overlay}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
