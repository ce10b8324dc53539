// Just enough PNG for the fixture images: 8-bit RGB or RGBA, not interlaced, all five filter types.
import { inflateSync } from 'node:zlib';
import type { ImageInput } from '../../lib/index.js';

/** A decoded image: always plain Uint8Array pixels. */
export type DecodedImage = ImageInput & { data: Uint8Array };

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, 3 | 4> = { 2: 3, 6: 4 };

export function decodePng(file: Buffer): DecodedImage {
  if (!file.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file');
  let width = 0;
  let height = 0;
  let channels: 3 | 4 | undefined;
  const idat: Buffer[] = [];
  for (let pos = 8; pos < file.length; ) {
    const length = file.readUInt32BE(pos);
    const type = file.toString('latin1', pos + 4, pos + 8);
    const body = file.subarray(pos + 8, pos + 8 + length);
    pos += 12 + length; // length, type, body, crc
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [bitDepth, colorType, , , interlace] = body.subarray(8, 13);
      channels = CHANNELS[colorType];
      if (bitDepth !== 8 || !channels || interlace !== 0) {
        throw new Error(`unsupported PNG: bit depth ${bitDepth}, color type ${colorType}, interlace ${interlace}`);
      }
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
  }
  if (!channels) throw new Error('PNG without IHDR');
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rowBytes = stride + 1; // a filter-type byte, then the row
  if (raw.length !== height * rowBytes) {
    throw new Error(`PNG data has ${raw.length} bytes, expected ${height * rowBytes}`);
  }
  const data = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const row = raw.subarray(y * rowBytes + 1, (y + 1) * rowBytes);
    unfilterRow(raw[y * rowBytes], row, data, y * stride, stride, channels);
  }
  return { data, width, height, channels };
}

/** Reverses one row's filter into `out[at .. at+stride)`; the row above is `out[at-stride ..)`. */
function unfilterRow(filter: number, row: Uint8Array, out: Uint8Array, at: number, stride: number, bpp: number): void {
  const hasUp = at > 0;
  for (let i = 0; i < stride; i++) {
    const left = i >= bpp ? out[at + i - bpp] : 0;
    const up = hasUp ? out[at + i - stride] : 0;
    const upLeft = hasUp && i >= bpp ? out[at + i - stride - bpp] : 0;
    let predictor: number;
    switch (filter) {
      case 0: predictor = 0; break;
      case 1: predictor = left; break;
      case 2: predictor = up; break;
      case 3: predictor = (left + up) >> 1; break;
      case 4: predictor = paeth(left, up, upLeft); break;
      default: throw new Error(`bad PNG filter type ${filter}`);
    }
    out[at + i] = (row[i] + predictor) & 0xff;
  }
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
