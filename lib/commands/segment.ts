import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { onePositional, parseBox, parsePoint } from '../cli/args.js';
import { readRgbImage } from '../cli/images.js';
import { maskOutputFiles, writeMask, type MaskResult } from '../cli/mask-files.js';
import { loadModelFromFlags, MODEL_FLAGS, modelHelp } from '../cli/model.js';
import { renderOverlayPng, type OverlayOptions } from '../output/overlay.js';
import { UsageError } from './command.js';
import { defineCommand } from './define.js';
import { segmentBoxes } from './segment-boxes.js';
import { EVERYTHING_FLAGS, everythingHelp, runEverything, strayGeneratorFlag } from './segment-everything.js';

const usage = `Usage: sam2-node segment IMAGE --model DIR (--point X,Y[:L] ... | --box X0,Y0,X1,Y1) [options]
       sam2-node segment IMAGE --model DIR --boxes BOXES.json [options]
       sam2-node segment IMAGE --model DIR --everything [generator options]

Segments the object marked by clicks and/or a box in IMAGE (JPEG, PNG, WebP, ...). Writes the mask as a PNG
(white = object), an overlay PNG (the mask tinted over the image, positive clicks green, negative clicks red,
the box in green) and prints each mask's score.

Prompt (at least one):
  --point X,Y[:L]      a click in image pixels; L is 1 (include, the default) or 0 (exclude); repeatable
  --box X0,Y0,X1,Y1    a box around the object: top-left and bottom-right corners in image pixels
  --boxes FILE.json    many objects at once (e.g. a detector's output): a JSON array of [x0, y0, x1, y1]
                       boxes, all segmented in one batched call, one mask per box; not with --point, --box
                       or --multimask. Masks go to PATH-box0.png, PATH-box1.png, ... (N = the box's index in
                       the file), the overlay shows every mask in its own colour, and --json lists each box
                       with its mask

Model:
${modelHelp(23)}

Output:
  --multimask          three candidate masks instead of the single best one (for ambiguous single clicks)
  --out PATH.png       the mask file (default: IMAGE's name + -mask.png in the current directory); with
                       --multimask PATH-0.png, PATH-1.png, PATH-2.png; the overlay is PATH.overlay.png
  --no-overlay         do not write the overlay
  --json               print the results as JSON, masks as COCO RLE, instead of text
  -h, --help           show this help

${everythingHelp}

Examples:
  sam2-node segment truck.jpg --model models/sam2.1_hiera_tiny --point 500,375 --point 560,500:0
  sam2-node segment truck.jpg --model models/sam2.1_hiera_tiny --everything --points-per-side 16 --json
`;

const FLAGS = {
  ...MODEL_FLAGS,
  point: { type: 'string', multiple: true },
  box: { type: 'string' },
  boxes: { type: 'string' },
  multimask: { type: 'boolean' },
  out: { type: 'string' },
  'no-overlay': { type: 'boolean' },
  json: { type: 'boolean' },
  ...EVERYTHING_FLAGS,
} as const;

export const segmentCommand = defineCommand({
  summary: 'segment an object in an image from clicks or a box',
  usage,
  flags: FLAGS,
  async run({ values, positionals }) {
    const imagePath = resolve(onePositional(positionals, 'IMAGE'));
    if (values.everything) {
      if (values.point || values.box || values.boxes !== undefined) {
        throw new UsageError('--everything takes no --point, --box or --boxes');
      }
      return runEverything(values, imagePath);
    }
    const stray = strayGeneratorFlag(values);
    if (stray) throw new UsageError(`${stray} needs --everything`);
    if (values.boxes !== undefined) return segmentBoxes(imagePath, values.boxes, values);
    const prompt = promptFromFlags(values.point ?? [], values.box);
    const multimask = values.multimask === true;
    const files = maskOutputFiles(values.out, imagePath, multimask ? ['-0', '-1', '-2'] : ['']);

    const image = await readRgbImage(imagePath, 'IMAGE');
    const model = await loadModelFromFlags(values);
    const started = performance.now();
    const embedding = await model.encodeImage(image);
    const r = await model.predict(embedding, { ...prompt, multimask });
    const seconds = (performance.now() - started) / 1000;
    embedding.dispose();
    model.dispose();

    const { width, height } = r;
    const size = width * height;
    await mkdir(dirname(files.overlay), { recursive: true });
    const masks: MaskResult[] = [];
    for (let i = 0; i < r.count; i++) {
      const mask = r.masks.subarray(i * size, (i + 1) * size);
      masks.push(await writeMask(mask, width, height, files.masks[i], i, r.scores[i]));
    }
    const best = masks.reduce((a, b) => (b.score > a.score ? b : a));
    let overlay: string | null = null;
    if (!values['no-overlay']) {
      overlay = files.overlay;
      const bestMask = r.masks.subarray(best.index * size, (best.index + 1) * size);
      await writeFile(overlay, await renderOverlayPng(image, [bestMask], prompt));
    }

    const { name, device, dtype } = model.info;
    if (values.json) {
      const result = { image: imagePath, width, height, model: name, seconds, prompt };
      process.stdout.write(`${JSON.stringify({ ...result, best: best.index, masks, overlay })}\n`);
      return 0;
    }
    const lines = [`${imagePath}: ${width}x${height}, ${name} on ${device} (${dtype}), ${seconds.toFixed(2)} s`];
    for (const m of masks) {
      const percent = ((100 * m.area) / size).toFixed(1);
      const mark = multimask && m === best ? ' (best)' : '';
      const numbers = `score ${m.score.toFixed(3)}${mark}, ${m.area} px (${percent}%), box [${m.bbox.join(', ')}]`;
      lines.push(`  mask ${m.index}: ${numbers} -> ${m.file}`);
    }
    if (overlay) lines.push(`  overlay -> ${overlay}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
});

function promptFromFlags(pointFlags: string[], boxFlag: string | undefined): OverlayOptions {
  if (pointFlags.length === 0 && boxFlag === undefined) {
    throw new UsageError('a prompt is required: --point and/or --box');
  }
  const clicks = pointFlags.map((v) => parsePoint(v, '--point'));
  return {
    ...(clicks.length > 0 ? { points: clicks.map((c) => c.point), labels: clicks.map((c) => c.label) } : {}),
    ...(boxFlag === undefined ? {} : { box: parseBox(boxFlag, '--box') }),
  };
}
