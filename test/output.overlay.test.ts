import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, maskToPng, OVERLAY_PALETTE, renderOverlay, renderOverlayPng } from '../lib/index.js';

const W = 120;
const H = 80;

/** A grey image; in RGBA with alpha 200. */
function image(channels: 3 | 4) {
  const data = new Uint8Array(W * H * channels);
  for (let i = 0; i < W * H; i++) {
    data.fill(100, i * channels, i * channels + 3);
    if (channels === 4) data[i * channels + 3] = 200;
  }
  return { data, width: W, height: H, channels };
}

/** A filled rectangle x in [x0, x1), y in [y0, y1). */
function rect(x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const m = new Uint8Array(W * H);
  for (let y = y0; y < y1; y++) m.fill(1, y * W + x0, y * W + x1);
  return m;
}

const pixel = (img: { data: Uint8Array; channels: number }, x: number, y: number) =>
  Array.from(img.data.subarray((y * W + x) * img.channels, (y * W + x + 1) * img.channels));

describe('renderOverlay', () => {
  it('tints the inside, outlines the edge, leaves the outside and the input alone', () => {
    const input = image(3);
    const before = Uint8Array.from(input.data);
    const out = renderOverlay(input, [rect(10, 10, 50, 40)], { alpha: 0.25 });
    expect([out.width, out.height, out.channels, out.data.length]).toEqual([W, H, 3, W * H * 3]);
    const [r, g, b] = OVERLAY_PALETTE[0];
    const tinted = [r, g, b].map((c) => Math.round(100 * 0.75 + c * 0.25));
    expect(pixel(out, 30, 25)).toEqual(tinted);
    expect(pixel(out, 10, 25)).toEqual([r, g, b]); // left edge
    expect(pixel(out, 49, 39)).toEqual([r, g, b]); // bottom-right corner
    expect(pixel(out, 5, 5)).toEqual([100, 100, 100]);
    expect(input.data).toEqual(before);
  });

  it('uses the given colours, later masks on top, and no outline when asked', () => {
    const out = renderOverlay(image(3), [rect(0, 0, 60, 80), rect(30, 0, 90, 80)], {
      colors: [[255, 0, 0], [0, 0, 255]],
      alpha: 1,
      outline: false,
    });
    expect(pixel(out, 10, 40)).toEqual([255, 0, 0]);
    expect(pixel(out, 45, 40)).toEqual([0, 0, 255]);
    expect(pixel(out, 100, 40)).toEqual([100, 100, 100]);
  });

  it('draws positive clicks green, negative clicks red, the box as a green rectangle', () => {
    const out = renderOverlay(image(3), [], { points: [[20, 20], [90, 60]], labels: [1, 0], box: [40, 10, 80, 70] });
    expect(pixel(out, 20, 20)).toEqual([0, 200, 0]);
    expect(pixel(out, 90, 60)).toEqual([230, 0, 0]);
    expect(pixel(out, 20 + 6, 20)).toEqual([255, 255, 255]); // the ring around a dot (radius 5 here)
    expect(pixel(out, 60, 10)).toEqual([0, 255, 0]);
    expect(pixel(out, 40, 40)).toEqual([0, 255, 0]);
    expect(pixel(out, 60, 40)).toEqual([100, 100, 100]); // inside the box, untouched
  });

  it('clips prompts outside the image', () => {
    expect(() => renderOverlay(image(3), [], { points: [[-50, 500]], labels: [1], box: [-10, -10, 500, 500] })).not.toThrow();
  });

  it('keeps the alpha channel of an RGBA image', () => {
    const out = renderOverlay(image(4), [rect(10, 10, 50, 40)]);
    expect(out.channels).toBe(4);
    expect(pixel(out, 30, 25)[3]).toBe(200);
  });

  it.each<[string, unknown[], object, RegExp]>([
    ['a mask of the wrong size', [new Uint8Array(10)], {}, /^masks\[0\]: expected 9600 bytes/],
    ['too few colours', [rect(0, 0, 1, 1)], { colors: [] }, /^colors: /],
    ['a colour out of range', [rect(0, 0, 1, 1)], { colors: [[0, 0, 256]] }, /^colors: /],
    ['alpha out of range', [], { alpha: 1.5 }, /^alpha: /],
    ['labels without points', [], { labels: [1] }, /^labels: /],
    ['a point without a label', [], { points: [[1, 2]] }, /^labels: /],
    ['an inverted box', [], { box: [10, 10, 5, 5] }, /^box: /],
  ])('rejects %s, naming it', (_, masks, options, message) => {
    expect(() => renderOverlay(image(3), masks as Uint8Array[], options)).toThrow(InvalidArgumentError);
    expect(() => renderOverlay(image(3), masks as Uint8Array[], options)).toThrow(message);
  });
});

describe('PNG output', () => {
  it('renderOverlayPng encodes exactly the pixels of renderOverlay', async () => {
    const options = { points: [[20, 20]] as [number, number][], labels: [1] };
    const png = await renderOverlayPng(image(3), [rect(10, 10, 50, 40)], options);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.format, info.width, info.height, info.channels]).toEqual(['raw', W, H, 3]);
    expect(new Uint8Array(data)).toEqual(renderOverlay(image(3), [rect(10, 10, 50, 40)], options).data);
  });

  it('maskToPng writes a grayscale PNG, 255 inside and 0 outside', async () => {
    const mask = rect(10, 10, 50, 40);
    const png = await maskToPng(mask, W, H);
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', W, H, 1]);
    // sharp decodes to RGB unless told otherwise.
    const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(1);
    expect(new Uint8Array(data)).toEqual(mask.map((v) => v * 255));
  });
});
