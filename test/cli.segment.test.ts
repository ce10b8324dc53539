import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rleToMask } from '../lib/index.js';
import { runCli } from './helpers/cli.js';
import { manifest } from './helpers/fixtures.js';
import { testModelDir } from './helpers/model.js';
import { parityDir } from './helpers/paths.js';

const wide = join(parityDir, manifest.image_predictor.images.wide.image); // 640x400
const W = 640;
const H = 400;

/** A mask PNG's pixels, as one byte per pixel. */
async function readMaskPng(path: string): Promise<{ data: Uint8Array; width: number; height: number; channels: number }> {
  const meta = await sharp(path).metadata();
  const { data, info } = await sharp(path).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: meta.channels ?? 0 };
}

interface SegmentJson {
  image: string;
  width: number;
  height: number;
  model: string;
  best: number;
  prompt: { points?: number[][]; labels?: number[]; box?: number[] };
  masks: {
    index: number;
    score: number;
    area: number;
    bbox: number[];
    segmentation: { size: [number, number]; counts: string };
    file: string;
  }[];
  overlay: string | null;
}

/** --boxes --json: the image's fields, the boxes file, and per box its mask with the box it came from. */
interface BoxesJson extends Omit<SegmentJson, 'prompt' | 'best' | 'masks'> {
  boxes: string;
  masks: (SegmentJson['masks'][number] & { box: number[] })[];
}

describe('sam2-node segment', () => {
  let scratch: string;
  let model: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sam2-node-segment-'));
    model = testModelDir();
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('prints its options on --help', async () => {
    const r = await runCli(['segment', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--model', '--point', '--box', '--boxes', '--multimask', '--out', '--json']) expect(r.stdout).toContain(flag);
  });

  it.each<[string, string[], string]>([
    ['no image', ['--model', 'm', '--point', '1,2'], 'IMAGE'],
    ['two images', ['a.png', 'b.png', '--model', 'm', '--point', '1,2'], "'b.png'"],
    ['no prompt', ['a.png', '--model', 'm'], '--point'],
    ['a point that is not x,y', ['a.png', '--model', 'm', '--point', '1;2'], '--point'],
    ['a point with a bad label', ['a.png', '--model', 'm', '--point', '1,2:5'], '--point'],
    ['a box with three numbers', ['a.png', '--model', 'm', '--box', '1,2,3'], '--box'],
    ['an inverted box', ['a.png', '--model', 'm', '--box', '10,10,5,5'], '--box'],
    ['--out not a .png', ['a.png', '--model', 'm', '--point', '1,2', '--out', 'mask.jpg'], '--out'],
    ['an unknown flag', ['a.png', '--model', 'm', '--point', '1,2', '--fast'], '--fast'],
    ['--boxes with --point', ['a.png', '--model', 'm', '--boxes', 'b.json', '--point', '1,2'], '--boxes'],
    ['--boxes with --multimask', ['a.png', '--model', 'm', '--boxes', 'b.json', '--multimask'], '--boxes'],
  ])('exits with 2 on %s, naming it, with the usage', async (_, args, named) => {
    const r = await runCli(['segment', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(named);
    expect(r.stderr).toContain('Usage: sam2-node segment');
  });

  it('exits with 2 when --model is missing', async () => {
    const r = await runCli(['segment', wide, '--point', '1,2', '--out', join(scratch, 'x.png')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--model is required');
  });

  it('exits with 1 and names an image that does not exist', async () => {
    const missing = join(scratch, 'nope.jpg');
    const r = await runCli(['segment', missing, '--model', model, '--point', '1,2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`IMAGE: no such file: ${missing}`);
  });

  it('exits with 1 on a file that is not an image', async () => {
    const bad = join(scratch, 'bad.png');
    await writeFile(bad, 'this is not a PNG');
    const r = await runCli(['segment', bad, '--model', model, '--point', '1,2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`IMAGE: cannot read ${bad} as an image`);
  });

  it('exits with 1 and names --model when the directory is not a model', async () => {
    const r = await runCli(['segment', wide, '--model', scratch, '--point', '1,2', '--out', join(scratch, 'x.png')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--model: ');
    expect(r.stderr).toContain('manifest.json');
  });

  it('exits with 2 on a bad --dtype, naming it', async () => {
    const r = await runCli(['segment', wide, '--model', model, '--point', '1,2', '--dtype', 'float64']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--dtype');
  });

  it('writes the mask and the overlay and prints the score', async () => {
    const out = join(scratch, 'one', 'wide.png');
    const r = await runCli(['segment', wide, '--model', model, '--point', '448,282', '--point', '30.5,380:0', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mask 0: score 0\.\d{3}, \d+ px/);
    expect(r.stdout).toContain(out);
    const mask = await readMaskPng(out);
    expect([mask.width, mask.height, mask.channels]).toEqual([W, H, 1]);
    expect(mask.data.every((v) => v === 0 || v === 255)).toBe(true);
    const overlay = await sharp(join(scratch, 'one', 'wide.overlay.png')).metadata();
    expect([overlay.width, overlay.height, overlay.format]).toEqual([W, H, 'png']);
  });

  it('clips a --box far beyond the image (0,0,1e12,1e12) to the image instead of drawing it for ever', async () => {
    const out = join(scratch, 'huge-box', 'm.png');
    const r = await runCli(['segment', wide, '--model', model, '--box', '0,0,1e12,1e12', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const overlay = await sharp(join(scratch, 'huge-box', 'm.overlay.png')).metadata();
    expect([overlay.width, overlay.height]).toEqual([W, H]);
  });

  it('prints JSON with COCO RLE masks that match the PNGs (--multimask, --box)', async () => {
    const out = join(scratch, 'multi', 'm.png');
    const r = await runCli(['segment', wide, '--model', model, '--box', '390,34.5,595,174', '--point', '448,100', '--multimask', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as SegmentJson;
    expect(result).toMatchObject({ image: wide, width: W, height: H, model: 'mini', overlay: join(scratch, 'multi', 'm.overlay.png') });
    expect(result.prompt).toEqual({ points: [[448, 100]], labels: [1], box: [390, 34.5, 595, 174] });
    expect(result.masks.map((m) => m.file)).toEqual([0, 1, 2].map((i) => join(scratch, 'multi', `m-${i}.png`)));
    expect(result.best).toBe(result.masks.reduce((a, b) => (b.score > a.score ? b : a)).index);
    for (const m of result.masks) {
      expect(m.segmentation.size).toEqual([H, W]);
      expect(m.score).toBeGreaterThan(0);
      const fromRle = rleToMask(m.segmentation);
      const png = await readMaskPng(m.file);
      expect(png.data).toEqual(fromRle.map((v) => v * 255));
      expect(m.area).toBe(fromRle.reduce((a, b) => a + b, 0));
      expect(m.bbox).toHaveLength(4);
    }
  });

  it('reads JPEG and WebP, and names the outputs after the image in the current directory by default', async () => {
    const cwd = process.cwd();
    // The CLI inherits the working directory (test files run in their own processes).
    process.chdir(scratch);
    try {
      for (const format of ['jpeg', 'webp'] as const) {
        const path = join(scratch, `photo-${format}.${format}`);
        await sharp(wide).toFormat(format).toFile(path);
        const r = await runCli(['segment', path, '--model', model, '--point', '191.5,128.25', '--json']);
        expect(r.code, r.stderr).toBe(0);
        const result = JSON.parse(r.stdout) as SegmentJson;
        expect([result.width, result.height]).toEqual([W, H]);
        expect(result.masks[0].file).toBe(join(scratch, `photo-${format}-mask.png`));
        expect(result.overlay).toBe(join(scratch, `photo-${format}-mask.overlay.png`));
        expect((await readMaskPng(result.masks[0].file)).width).toBe(W);
      }
    } finally {
      process.chdir(cwd);
    }
  });

  describe('--boxes', () => {
    const boxes = [
      [390, 34.5, 595, 174],
      [20, 200, 300, 390],
      [100, 50, 260, 180],
    ];

    it('segments every box of the file in one run: a mask each, one overlay, each listed in --json', async () => {
      const file = join(scratch, 'boxes.json');
      await writeFile(file, JSON.stringify(boxes));
      const out = join(scratch, 'boxes', 'b.png');
      const r = await runCli(['segment', wide, '--model', model, '--boxes', file, '--json', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as BoxesJson;
      expect(result).toMatchObject({ image: wide, width: W, height: H, boxes: file, overlay: join(scratch, 'boxes', 'b.overlay.png') });
      expect(result.masks.map((m) => m.box)).toEqual(boxes);
      expect(result.masks.map((m) => m.file)).toEqual([0, 1, 2].map((i) => join(scratch, 'boxes', `b-box${i}.png`)));
      for (const m of result.masks) {
        const fromRle = rleToMask(m.segmentation);
        expect((await readMaskPng(m.file)).data).toEqual(fromRle.map((v) => v * 255));
        expect(m.area).toBe(fromRle.reduce((a, b) => a + b, 0));
      }
      expect((await sharp(result.overlay as string).metadata()).width).toBe(W);

      const text = await runCli(['segment', wide, '--model', model, '--boxes', file, '--no-overlay', '--out', out]);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain('3 boxes');
      expect(text.stdout).toMatch(/box 2 \[100, 50, 260, 180\]: score \d\.\d{3}, \d+ px/);
    });

    it.each<[string, string | null, string]>([
      ['a missing file', null, 'cannot read'],
      ['invalid JSON', '[[1, 2, 3, 4]', 'not valid JSON'],
      ['an empty array', '[]', 'non-empty JSON array'],
      ['an inverted box', '[[1, 2, 3, 4], [10, 10, 5, 5]]', 'box 1'],
    ])('exits with 1 on %s, naming --boxes', async (_, content, text) => {
      const file = join(scratch, `bad-boxes-${text.replace(/\W/g, '')}.json`);
      if (content !== null) await writeFile(file, content);
      const r = await runCli(['segment', wide, '--model', model, '--boxes', file, '--out', join(scratch, 'x.png')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('--boxes: ');
      expect(r.stderr).toContain(text);
    });
  });
});
