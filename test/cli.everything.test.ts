// `sam2-node segment IMAGE --everything`: flags, the overlay, the COCO-style annotation file, progress.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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

interface Annotations {
  images: { id: number; file_name: string; width: number; height: number }[];
  annotations: {
    id: number;
    segmentation: { size: [number, number]; counts: string };
    area: number;
    bbox: number[];
    predicted_iou: number;
    stability_score: number;
    point_coords: number[][];
    crop_box: number[];
  }[];
}

describe('sam2-node segment --everything', () => {
  let scratch: string;
  let model: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sam2-node-everything-'));
    model = testModelDir();
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('documents the generator options in --help', async () => {
    const r = await runCli(['segment', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--everything', '--points-per-side', '--pred-iou-thresh', '--crop-n-layers', '--use-m2m']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it.each<[string, string[], string]>([
    ['a generator flag without --everything', ['--point', '1,2', '--points-per-side', '8'], '--points-per-side needs --everything'],
    ['a prompt with --everything', ['--everything', '--box', '0,0,5,5'], 'no --point, --box or --boxes'],
    ['a bad number', ['--everything', '--pred-iou-thresh', 'high'], '--pred-iou-thresh'],
  ])('rejects %s', async (_name, args, message) => {
    const r = await runCli(['segment', wide, '--model', model, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('writes the overlay and a COCO-style annotation file', async () => {
    const out = join(scratch, 'all.png');
    const flags = ['--points-per-side', '4', '--pred-iou-thresh', '0', '--stability-score-thresh', '0'];
    const r = await runCli(['segment', wide, '--model', model, '--everything', ...flags, '--box-nms-thresh', '1', '--json', '--out', out]);
    expect(r.stderr).toContain('segment everything');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { count: number; annotations: string; overlay: string };
    expect(summary.count).toBe(48); // 16 points x 3 masks, nothing filtered
    expect(summary.annotations).toBe(join(scratch, 'all.json'));

    const coco = JSON.parse(await readFile(summary.annotations, 'utf8')) as Annotations;
    expect(coco.images[0]).toMatchObject({ id: 1, file_name: 'wide.png', width: 640, height: 400 });
    expect(coco.annotations.length).toBe(48);
    for (const a of coco.annotations.slice(0, 4)) {
      const mask = rleToMask(a.segmentation);
      expect(mask.reduce((sum, v) => sum + v, 0)).toBe(a.area);
      expect(a.bbox.length).toBe(4);
      expect(a.point_coords[0].length).toBe(2);
      expect(a.crop_box).toEqual([0, 0, 640, 400]);
    }
    const meta = await sharp(summary.overlay).metadata();
    expect([meta.width, meta.height]).toEqual([640, 400]);
  });
});
