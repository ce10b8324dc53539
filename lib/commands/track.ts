import { stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { onePositional, parseBox, parseInteger, parsePoint, splitObjectId } from '../cli/args.js';
import { readRgbImage } from '../cli/images.js';
import { loadModelFromFlags, MODEL_FLAGS, modelHelp } from '../cli/model.js';
import { Progress } from '../cli/progress.js';
import { TrackOutput } from '../cli/track-output.js';
import { Sam2Error } from '../errors.js';
import type { Sam2Model } from '../model.js';
import { checkFfmpeg, probeFrameCount, videoFrames } from '../video/ffmpeg.js';
import { listFrameFiles } from '../video/frame_source.js';
import type { VideoPointsOptions } from '../video/types.js';
import { UsageError } from './command.js';
import { defineCommand } from './define.js';

const usage = `Usage: sam2-node track FRAMES_DIR|VIDEO --model DIR --object ID:X,Y[:L] ... [--box [ID:]X0,Y0,X1,Y1]
                       [options]

Tracks objects through a video: a folder of frames (JPEG or PNG files, in name order with numbers compared
as numbers) or a video file (decoded by ffmpeg, which must be on PATH; frames are streamed, never written to
disk). The objects are marked on one frame (--frame) and followed from there. Writes each object's mask on each
frame as a PNG (white = object): OUT/masks/<ID>/<frame>.png. Progress goes to stderr.

Prompts, all on frame --frame (at least one):
  --object ID:X,Y[:L]    a click on object ID (a whole number >= 1), in frame pixels; L is 1 (include, the
                         default) or 0 (exclude); repeat it for more clicks or more objects
  --box [ID:]X0,Y0,X1,Y1 a box around object ID (default 1); one per object
  --frame N              the frame the prompts are on (default 0)

Tracking:
  --reverse              track backwards from --frame, which must then be > 0 (frame folders only)
  --max-frames N         stop after N frames

Model:
${modelHelp(25)}

Output:
  --out DIR              where to write (default: the input's name + -track, in the current directory)
  --overlay              also write each frame with the masks tinted over it: OUT/overlay/<frame>.png
  --json                 print one JSON line per frame on stdout: each object's COCO RLE mask, area, box and
                         object score (a logit: > 0 means visible)
  -h, --help             show this help

Example:
  sam2-node track frames/ --model models/sam2.1_hiera_tiny --object 1:150,170 --object 2:300,280 --overlay
`;

const FLAGS = {
  ...MODEL_FLAGS,
  object: { type: 'string', multiple: true },
  box: { type: 'string', multiple: true },
  frame: { type: 'string' },
  reverse: { type: 'boolean' },
  'max-frames': { type: 'string' },
  out: { type: 'string' },
  overlay: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** One object's prompt, as the video API takes it (less the frame). */
type ObjectPrompt = Omit<VideoPointsOptions, 'frame'> & { points: [number, number][]; labels: number[] };

interface Run {
  model: Sam2Model;
  prompts: ObjectPrompt[];
  start: number;
  maxFrames?: number;
  output: TrackOutput;
  signal: AbortSignal;
}

export const trackCommand = defineCommand({
  summary: 'track objects through a folder of frames or a video file',
  usage,
  flags: FLAGS,
  async run({ values, positionals }) {
    const input = resolve(onePositional(positionals, 'FRAMES_DIR|VIDEO'));
    const prompts = objectPrompts(values.object ?? [], values.box ?? []);
    const start = values.frame === undefined ? 0 : parseInteger(values.frame, '--frame', 0);
    const maxFlag = values['max-frames'];
    const maxFrames = maxFlag === undefined ? undefined : parseInteger(maxFlag, '--max-frames', 1);
    const reverse = values.reverse === true;
    const info = await stat(input).catch(() => undefined);
    if (!info) throw new Sam2Error(`FRAMES_DIR|VIDEO: no such file or folder: ${input}`);
    if (info.isFile()) {
      if (reverse) throw new UsageError('--reverse: needs a folder of frames (a video file is read once, forwards)');
      await checkFfmpeg();
    }
    const frames = info.isDirectory() ? await listFrameFiles(input) : undefined;
    if (frames?.length === 0) throw new Sam2Error(`FRAMES_DIR: no JPEG or PNG files in ${input}`);
    if (frames && start >= frames.length) {
      throw new UsageError(`--frame: ${start} is past the last frame (${input} has ${frames.length})`);
    }
    // As in the official propagation, a reverse pass from the first frame visits no frame: refused, not a no-op.
    if (reverse && start === 0) throw new UsageError('--reverse: needs --frame N > 0 (nothing precedes frame 0)');

    const output = new TrackOutput({
      dir: resolve(values.out ?? `${basename(input, extname(input))}-track`),
      overlay: values.overlay === true,
      json: values.json === true,
    });
    const model = await loadModelFromFlags(values);
    // Ctrl-C stops after the current frame, with the frames done so far written.
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    const run: Run = { model, prompts, start, maxFrames, output, signal: abort.signal };
    const started = performance.now();
    let count: number;
    try {
      count = frames ? await trackFolder(run, input, frames, reverse) : await trackVideo(run, input);
    } finally {
      process.off('SIGINT', onSigint);
      model.dispose();
    }
    const seconds = (performance.now() - started) / 1000;
    const summary = [
      `tracked ${prompts.length} object${prompts.length === 1 ? '' : 's'} over ${count} frames ` +
        `in ${seconds.toFixed(1)} s${abort.signal.aborted ? ' (interrupted)' : ''}`,
      `masks: ${output.masksDir}/<ID>/`,
      ...(values.overlay ? [`overlays: ${output.overlayDir}/`] : []),
    ];
    // With --json, stdout carries only the JSON lines.
    (values.json ? process.stderr : process.stdout).write(`${summary.join('\n')}\n`);
    return abort.signal.aborted ? 130 : 0;
  },
});

/** A folder: a video session, which reads the frames it needs by itself and can go both ways. */
async function trackFolder(run: Run, dir: string, frames: string[], reverse: boolean): Promise<number> {
  const session = await run.model.createVideoSession(dir);
  try {
    if (session.frameCount !== frames.length) {
      const counts = `${session.frameCount} frames in ${dir}, this command sees ${frames.length}`;
      throw new Sam2Error(`the video session sees ${counts}`);
    }
    for (const prompt of run.prompts) await session.addPoints({ frame: run.start, ...prompt });
    const available = reverse ? run.start + 1 : frames.length - run.start;
    const total = Math.min(available, run.maxFrames ?? available);
    const progress = new Progress({ label: 'track', unit: 'frames', total });
    let count = 0;
    try {
      const { start, maxFrames, signal } = run;
      for await (const r of session.propagate({ start, maxFrames, reverse, signal })) {
        const file = frames[r.frame];
        // Decoded as the session decodes frames (no EXIF rotation), so that the masks fit the pixels.
        const image = run.output.needsImage ? await readRgbImage(file, 'frame', { orient: false }) : undefined;
        await run.output.write(r, basename(file, extname(file)), session.width, session.height, image);
        progress.update(++count);
      }
    } catch (err) {
      if (!run.signal.aborted) throw err; // an interruption ends the loop with an AbortError: keep what is written
    }
    progress.finish();
    return count;
  } finally {
    session.dispose();
  }
}

/**
 * A video file: frames streamed from ffmpeg into a StreamingTracker, which keeps a bounded memory of past frames, so
 * a video of any length takes the same memory; the command needs nothing a VideoSession adds (its prompts are all
 * on one frame, and it tracks forward only). Frames before --frame are decoded and skipped.
 */
async function trackVideo(run: Run, path: string): Promise<number> {
  const declared = await probeFrameCount(path);
  const available = declared === undefined ? undefined : Math.max(declared - run.start, 0);
  const total = available === undefined ? run.maxFrames : Math.min(available, run.maxFrames ?? available);
  const tracker = run.model.createTracker();
  const progress = new Progress({ label: 'track', unit: 'frames', total });
  let index = 0;
  let count = 0;
  try {
    for await (const image of videoFrames(path, run.signal)) {
      const frame = index++;
      if (frame < run.start) continue;
      let r = await tracker.track(image);
      if (frame === run.start) {
        // The tracker numbers the frames it was given; the prompts go on the first of them.
        for (const prompt of run.prompts) r = await tracker.addPoints({ frame: 0, ...prompt });
      }
      await run.output.write({ ...r, frame }, String(frame).padStart(5, '0'), image.width, image.height, image);
      progress.update(++count);
      if (count === run.maxFrames || run.signal.aborted) break;
    }
    if (index <= run.start) throw new Sam2Error(`--frame: ${run.start} is past the last frame (${path} has ${index})`);
    progress.finish();
    return count;
  } finally {
    tracker.dispose();
  }
}

/** The --object and --box flags, grouped by object id. */
function objectPrompts(objectFlags: string[], boxFlags: string[]): ObjectPrompt[] {
  if (objectFlags.length === 0 && boxFlags.length === 0) {
    throw new UsageError('a prompt is required: --object and/or --box');
  }
  const byId = new Map<number, ObjectPrompt>();
  const get = (objectId: number) => {
    if (!byId.has(objectId)) byId.set(objectId, { objectId, points: [], labels: [] });
    return byId.get(objectId) as ObjectPrompt;
  };
  for (const value of objectFlags) {
    const { id, rest } = splitObjectId(value, '--object');
    const { point, label } = parsePoint(rest, '--object');
    get(id).points.push(point);
    get(id).labels.push(label);
  }
  for (const value of boxFlags) {
    const { id, rest } = value.includes(':') ? splitObjectId(value, '--box') : { id: 1, rest: value };
    const prompt = get(id);
    if (prompt.box) throw new UsageError(`--box: object ${id} has two boxes; one box per object`);
    prompt.box = parseBox(rest, '--box');
  }
  return [...byId.values()];
}
