// Video files decoded by ffmpeg, streamed frame by frame: the frames of `sam2-node track VIDEO` and of
// `Sam2Model.createVideoSession('clip.mp4')`.
import { execFile, spawn } from 'node:child_process';
import { Sam2Error } from '../errors.js';

/** One decoded frame: RGB, 8 bits per channel. */
export interface DecodedFrame {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

const NO_FFMPEG =
  'reading a video file needs ffmpeg on PATH (e.g. apt-get install ffmpeg); or pass a folder of frames ' +
  '(ffmpeg -i VIDEO frames/%05d.jpg makes one)';

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 1 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/** Fails with a clear message when ffmpeg cannot be run. */
export async function checkFfmpeg(): Promise<void> {
  try {
    await run('ffmpeg', ['-hide_banner', '-version']);
  } catch (err) {
    throw new Sam2Error(NO_FFMPEG, { cause: err });
  }
}

/** The frame count a video's container declares, if ffprobe is there and the container says. */
export async function probeFrameCount(path: string): Promise<number | undefined> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=nb_frames', '-of', 'csv=p=0', path];
  const out = await run('ffprobe', args).catch(() => '');
  const n = Number(out.trim());
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * The frames of a video file, decoded by ffmpeg and read from its stdout one at a time: ffmpeg writes PAM images
 * (a small text header with the size, then RGB bytes), so each frame brings its own size (rotated videos
 * included) and only one frame and the pipe's buffer are in memory; nothing is written to disk.
 */
export async function* videoFrames(path: string, signal?: AbortSignal): AsyncGenerator<DecodedFrame> {
  const args = ['-v', 'error', '-nostdin', '-i', path, '-f', 'image2pipe', '-c:v', 'pam', '-pix_fmt', 'rgb24', '-'];
  const ffmpeg = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  ffmpeg.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-2000)));
  const exited = new Promise<number | null>((resolve, reject) => {
    ffmpeg.on('error', (err) => reject(new Sam2Error(NO_FFMPEG, { cause: err })));
    ffmpeg.on('close', (code) => resolve(code));
  });
  const onAbort = () => ffmpeg.kill();
  signal?.addEventListener('abort', onAbort);
  // Chunks are joined only once a whole frame is there, so each byte is copied a bounded number of times.
  let chunks: Buffer[] = [];
  let length = 0;
  let need = 1;
  try {
    for await (const chunk of ffmpeg.stdout) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      if (length < need) continue;
      let pending: Buffer = Buffer.concat(chunks, length);
      for (;;) {
        const frame = takeFrame(pending);
        if ('need' in frame) {
          need = frame.need;
          break;
        }
        pending = frame.rest;
        yield frame.image;
      }
      chunks = [pending];
      length = pending.length;
    }
    const code = await exited;
    if (signal?.aborted) return;
    if (code !== 0) throw new Sam2Error(`ffmpeg could not decode ${path} (exit code ${code}): ${stderr.trim()}`);
    if (length > 0) throw new Sam2Error(`ffmpeg's output for ${path} ended inside a frame`);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // The consumer may stop early (an error, --max-frames): ffmpeg must not be left running.
    if (ffmpeg.exitCode === null) ffmpeg.kill();
  }
}

const END_OF_HEADER = 'ENDHDR\n';

/** One PAM image from the front of `buffer`, or how many bytes must have arrived before it can be. */
function takeFrame(buffer: Buffer): { image: DecodedFrame; rest: Buffer } | { need: number } {
  const end = buffer.indexOf(END_OF_HEADER);
  if (end < 0) return { need: buffer.length + 1 };
  const header = buffer.toString('latin1', 0, end);
  const field = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(header)?.[1]);
  const width = field('WIDTH');
  const height = field('HEIGHT');
  if (!header.startsWith('P7') || field('DEPTH') !== 3 || field('MAXVAL') !== 255 || !(width > 0 && height > 0)) {
    throw new Sam2Error(`unexpected frame header from ffmpeg: ${JSON.stringify(header.slice(0, 100))}`);
  }
  const start = end + END_OF_HEADER.length;
  const size = width * height * 3;
  if (buffer.length < start + size) return { need: start + size };
  // A copy: the frame outlives the chunk buffers it was cut from.
  const data = new Uint8Array(buffer.subarray(start, start + size));
  return { image: { data, width, height, channels: 3 }, rest: buffer.subarray(start + size) };
}
