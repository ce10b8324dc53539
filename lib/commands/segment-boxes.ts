// `sam2-node segment IMAGE --boxes FILE.json`: one mask per box, from one predictBatch call.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readBoxesFile } from '../cli/boxes.js';
import { readRgbImage } from '../cli/images.js';
import { maskOutputFiles, writeMask, type MaskResult } from '../cli/mask-files.js';
import { loadModelFromFlags } from '../cli/model.js';
import { renderOverlayPng } from '../output/overlay.js';
import { UsageError } from './command.js';

interface BoxesFlags {
  point?: string[];
  box?: string;
  multimask?: boolean;
  out?: string;
  'no-overlay'?: boolean;
  json?: boolean;
}

/** Runs segment's --boxes mode; resolves to the exit code. */
export async function segmentBoxes(
  imagePath: string,
  boxesPath: string,
  values: BoxesFlags & Parameters<typeof loadModelFromFlags>[0],
): Promise<number> {
  for (const flag of ['point', 'box', 'multimask'] as const) {
    if (values[flag] !== undefined) throw new UsageError(`--boxes: not with --${flag} (one mask per box)`);
  }
  const boxes = await readBoxesFile(boxesPath);
  const files = maskOutputFiles(values.out, imagePath, boxes.map((_, i) => `-box${i}`));

  const image = await readRgbImage(imagePath, 'IMAGE');
  const model = await loadModelFromFlags(values);
  const started = performance.now();
  const embedding = await model.encodeImage(image);
  const predictions = await model.predictBatch(embedding, boxes.map((box) => ({ box, multimask: false })));
  const seconds = (performance.now() - started) / 1000;
  embedding.dispose();
  model.dispose();

  const { width, height } = image;
  await mkdir(dirname(files.overlay), { recursive: true });
  const masks: (MaskResult & { box: number[] })[] = [];
  for (const [i, r] of predictions.entries()) {
    masks.push({ ...(await writeMask(r.masks, width, height, files.masks[i], i, r.scores[0])), box: boxes[i] });
  }
  let overlay: string | null = null;
  if (!values['no-overlay']) {
    overlay = files.overlay;
    await writeFile(overlay, await renderOverlayPng(image, predictions.map((r) => r.masks)));
  }

  const { name, device, dtype } = model.info;
  if (values.json) {
    const result = { image: imagePath, width, height, model: name, seconds, boxes: boxesPath };
    process.stdout.write(`${JSON.stringify({ ...result, masks, overlay })}\n`);
    return 0;
  }
  const lines = [
    `${imagePath}: ${width}x${height}, ${boxes.length} boxes, ${name} on ${device} (${dtype}), ${seconds.toFixed(2)} s`,
  ];
  for (const m of masks) {
    const percent = ((100 * m.area) / (width * height)).toFixed(1);
    lines.push(`  box ${m.index} [${m.box.join(', ')}]: score ${m.score.toFixed(3)}, ${m.area} px (${percent}%) -> ${m.file}`);
  }
  if (overlay) lines.push(`  overlay -> ${overlay}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
