import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rleToMask } from '../lib/index.js';
import { runCli } from './helpers/cli.js';
import { testModelDir } from './helpers/model.js';
import { parityDir } from './helpers/paths.js';

const frames = join(parityDir, 'video', 'frames'); // 8 frames, 512x512
const SIZE = 512;

interface FrameLine {
  frame: number;
  name: string;
  width: number;
  height: number;
  objects: { id: number; objectScore: number; area: number; bbox: number[]; segmentation: { size: [number, number]; counts: string } }[];
}

const parseLines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as FrameLine);

async function maskPng(path: string): Promise<Uint8Array> {
  const { data, info } = await sharp(path).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height, info.channels]).toEqual([SIZE, SIZE, 1]);
  return new Uint8Array(data);
}

const hasFfmpeg = (() => {
  try {
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('sam2-node track', () => {
  let scratch: string;
  let model: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'sam2-node-track-'));
    model = testModelDir();
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('prints its options on --help', async () => {
    const r = await runCli(['track', '--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--object', '--box', '--frame', '--reverse', '--overlay', '--json', '--model']) expect(r.stdout).toContain(flag);
  });

  it.each<[string, string[], string]>([
    ['no input', ['--model', 'm', '--object', '1:1,2'], 'FRAMES_DIR|VIDEO'],
    ['no prompt', ['dir', '--model', 'm'], '--object'],
    ['--object without an id', ['dir', '--model', 'm', '--object', '1,2'], '--object'],
    ['--object with id 0', ['dir', '--model', 'm', '--object', '0:1,2'], '--object'],
    ['--object with a bad point', ['dir', '--model', 'm', '--object', '1:1,x'], '--object'],
    ['two boxes for one object', ['dir', '--model', 'm', '--box', '1,1,5,5', '--box', '1:2,2,6,6'], 'one box per object'],
    ['a bad --frame', ['dir', '--model', 'm', '--object', '1:1,2', '--frame', 'first'], '--frame'],
    ['a bad --max-frames', ['dir', '--model', 'm', '--object', '1:1,2', '--max-frames', '0'], '--max-frames'],
  ])('exits with 2 on %s, naming it, with the usage', async (_, args, named) => {
    const r = await runCli(['track', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(named);
    expect(r.stderr).toContain('Usage: sam2-node track');
  });

  it('exits with 2 on --frame past the last frame', async () => {
    const r = await runCli(['track', frames, '--model', model, '--object', '1:1,2', '--frame', '8']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--frame: 8 is past the last frame');
  });

  it('exits with 2 on --reverse from frame 0, where there is nothing to track backwards', async () => {
    const r = await runCli(['track', frames, '--model', model, '--object', '1:1,2', '--reverse']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--reverse: needs --frame N > 0');
  });

  it('exits with 2 on --reverse with a video file', async () => {
    const video = join(scratch, 'clip.mp4');
    await writeFile(video, 'not really a video');
    const r = await runCli(['track', video, '--model', model, '--object', '1:1,2', '--reverse']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--reverse: needs a folder of frames');
  });

  it('exits with 1 naming an input that does not exist', async () => {
    const missing = join(scratch, 'nope');
    const r = await runCli(['track', missing, '--model', model, '--object', '1:1,2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no such file or folder: ${missing}`);
  });

  it('exits with 1 on a folder without frames', async () => {
    const empty = join(scratch, 'empty');
    await mkdir(empty);
    await writeFile(join(empty, 'notes.txt'), 'no frames here');
    const r = await runCli(['track', empty, '--model', model, '--object', '1:1,2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no JPEG or PNG files in ${empty}`);
  });

  it('exits with 1 naming a FIFO among the frames, instead of waiting on it for good', async () => {
    const dir = join(scratch, 'with-fifo');
    await mkdir(dir);
    const names = await readdir(frames);
    await Promise.all(names.slice(0, 2).map((n) => copyFile(join(frames, n), join(dir, n))));
    execFileSync('mkfifo', [join(dir, '00002.png')]);
    const r = await runCli(['track', dir, '--model', model, '--object', '1:150,170', '--out', join(scratch, 'fifo-out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/frame 2 \(.*00002\.png\) cannot be read: it is a FIFO, not a regular file/);
  });

  it('says how to get ffmpeg when a video file is given without it', async () => {
    const video = join(scratch, 'clip.mp4');
    await writeFile(video, 'not really a video');
    const emptyPath = join(scratch, 'no-tools');
    await mkdir(emptyPath, { recursive: true });
    const r = await runCli(['track', video, '--model', model, '--object', '1:1,2'], { ...process.env, PATH: emptyPath });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('reading a video file needs ffmpeg on PATH');
  });

  it('tracks two objects through a folder: mask PNGs, overlays, JSON lines with RLE, progress on stderr', async () => {
    const out = join(scratch, 'forward');
    const r = await runCli(['track', frames, '--model', model, '--object', '1:150,170', '--box', '2:279,235,405,361', '--overlay', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = parseLines(r.stdout);
    expect(lines.map((l) => l.frame)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(lines.map((l) => l.name)).toEqual(['00000', '00001', '00002', '00003', '00004', '00005', '00006', '00007']);
    for (const line of lines) {
      expect([line.width, line.height]).toEqual([SIZE, SIZE]);
      expect(line.objects.map((o) => o.id)).toEqual([1, 2]);
      for (const o of line.objects) {
        expect(Number.isFinite(o.objectScore)).toBe(true);
        const mask = rleToMask(o.segmentation);
        expect(o.area).toBe(mask.reduce((a, b) => a + b, 0));
        expect(await maskPng(join(out, 'masks', String(o.id), `${line.name}.png`))).toEqual(mask.map((v) => v * 255));
      }
    }
    expect((await readdir(join(out, 'overlay'))).sort()).toEqual(lines.map((l) => `${l.name}.png`));
    const overlay = await sharp(join(out, 'overlay', '00003.png')).metadata();
    expect([overlay.width, overlay.height, overlay.format]).toEqual([SIZE, SIZE, 'png']);
    // Not a terminal: plain progress lines, no carriage returns; the summary goes to stderr with --json.
    expect(r.stderr).toMatch(/^track: 8\/8 frames \(100%\), [\d.]+ frames\/s/m);
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).toContain('tracked 2 objects over 8 frames');
  });

  it('tracks backwards from --frame, at most --max-frames frames', async () => {
    const out = join(scratch, 'reverse');
    const r = await runCli(['track', frames, '--model', model, '--object', '1:260,215', '--frame', '5', '--reverse', '--max-frames', '3', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseLines(r.stdout).map((l) => l.frame)).toEqual([5, 4, 3]);
    expect((await readdir(join(out, 'masks', '1'))).sort()).toEqual(['00003.png', '00004.png', '00005.png']);
  });

  it.skipIf(!hasFfmpeg)('streams a video file through ffmpeg, starting at --frame', async () => {
    const video = join(scratch, 'frames.mkv');
    // Lossless (FFV1), so the frames are the fixture's pixels.
    execFileSync('ffmpeg', ['-v', 'error', '-framerate', '8', '-i', join(frames, '%05d.png'), '-c:v', 'ffv1', video]);
    const out = join(scratch, 'video');
    const r = await runCli(['track', video, '--model', model, '--object', '1:150,170', '--frame', '2', '--max-frames', '3', '--overlay', '--json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = parseLines(r.stdout);
    expect(lines.map((l) => [l.frame, l.name])).toEqual([[2, '00002'], [3, '00003'], [4, '00004']]);
    expect((await readdir(join(out, 'masks', '1'))).sort()).toEqual(['00002.png', '00003.png', '00004.png']);
    expect((await readdir(join(out, 'overlay'))).sort()).toEqual(['00002.png', '00003.png', '00004.png']);
    expect(lines[0].objects[0].objectScore).toBeGreaterThan(0);
  });
});
