import type { AmgOutputMode, MaskRecord, XywhBox } from './types.js';

/** What the addon resolves to: the records as columns (see cpp/napi/generate_masks.cpp). */
export interface NativeAmgColumns {
  count: number;
  width: number;
  height: number;
  areas: Float64Array;
  /** count x [x, y, w, h]. */
  boxes: Int32Array;
  predictedIous: Float32Array;
  stabilityScores: Float32Array;
  /** count x [x, y]. */
  points: Float32Array;
  cropBoxes: Int32Array;
  /** count x height x width ('binary'). */
  masks?: Uint8Array;
  /** 'rle': the runs of all masks; 'coco-rle': the bytes of all COCO strings. */
  counts?: Int32Array | Uint8Array;
  /** count + 1 offsets into `counts`. */
  offsets?: Float64Array;
}

const box = (a: Int32Array, i: number): XywhBox => [a[4 * i], a[4 * i + 1], a[4 * i + 2], a[4 * i + 3]];

/** One object per record; masks and runs are views into the columns' buffers, not copies. */
export function toRecords(c: NativeAmgColumns, mode: AmgOutputMode): MaskRecord[] {
  const plane = c.width * c.height;
  const size: [number, number] = [c.height, c.width];
  const runs =
    mode === 'rle' && c.counts ? new Uint32Array(c.counts.buffer, c.counts.byteOffset, c.counts.length) : undefined;
  const text = mode === 'coco-rle' && c.counts ? Buffer.from(c.counts.buffer, c.counts.byteOffset, c.counts.length) : undefined;
  const records: MaskRecord[] = [];
  for (let i = 0; i < c.count; i++) {
    const record: MaskRecord = {
      area: c.areas[i],
      bbox: box(c.boxes, i),
      predictedIou: c.predictedIous[i],
      stabilityScore: c.stabilityScores[i],
      pointCoords: [[c.points[2 * i], c.points[2 * i + 1]]],
      cropBox: box(c.cropBoxes, i),
    };
    if (c.masks) record.mask = c.masks.subarray(i * plane, (i + 1) * plane);
    const offsets = c.offsets;
    if (runs && offsets) record.rle = { size: [...size], counts: runs.subarray(offsets[i], offsets[i + 1]) };
    if (text && offsets) record.rle = { size: [...size], counts: text.toString('latin1', offsets[i], offsets[i + 1]) };
    records.push(record);
  }
  return records;
}
