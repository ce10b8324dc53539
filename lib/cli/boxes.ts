// The --boxes file of `sam2-node segment`: a JSON array of [x0, y0, x1, y1] boxes in image pixels.
import { readFile } from 'node:fs/promises';
import { Sam2Error } from '../errors.js';
import { MAX_BATCH_PROMPTS } from '../predict_batch.js';

type Box = [number, number, number, number];

/** Reads and checks a boxes file; errors name `--boxes` and the offending box. */
export async function readBoxesFile(path: string): Promise<Box[]> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new Sam2Error(`--boxes: cannot read ${path} (${err.code ?? err.message})`, { cause: err });
  });
  let boxes: unknown;
  try {
    boxes = JSON.parse(text);
  } catch (err) {
    throw new Sam2Error(`--boxes: ${path} is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (!Array.isArray(boxes) || boxes.length === 0) {
    throw new Sam2Error(`--boxes: ${path} must hold a non-empty JSON array of [x0, y0, x1, y1] boxes`);
  }
  if (boxes.length > MAX_BATCH_PROMPTS) {
    throw new Sam2Error(`--boxes: ${path} holds ${boxes.length} boxes; at most ${MAX_BATCH_PROMPTS} per run`);
  }
  boxes.forEach((box: unknown, i) => {
    const ok = Array.isArray(box) && box.length === 4 && box.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!ok || box[0] > box[2] || box[1] > box[3]) {
      throw new Sam2Error(`--boxes: box ${i} must be [x0, y0, x1, y1] with x0 <= x1 and y0 <= y1, got ${JSON.stringify(box)}`);
    }
  });
  return boxes as Box[];
}
