// A video read from a stream (an async iterable of frames, or ffmpeg decoding a file) on demand: frames are
// pulled in order only when a call names them or propagation reaches them, and only the latest `retained`
// frames are kept, so an endless camera or decoder feed takes bounded memory.
//
// The first `lookahead` frames are read at once, because the official tracker's object-pointer window is
// min(num_frames, max_obj_ptrs_in_encoder): a stream that ends within them is a short video whose length must be
// known (it is then an ordinary finite video, kept whole), and for any longer one the window is the same whatever
// its length, so that forward tracking equals the official without knowing where the stream ends.
import { InvalidArgumentError, Sam2Error } from '../errors.js';
import type { CheckedPixels } from '../image.js';
import { checkFrameImage, checkSize } from './frame_checks.js';
import type { FrameSource } from './frame_source.js';

export class StreamSource implements FrameSource {
  readonly width: number;
  readonly height: number;
  #iterator: AsyncIterator<unknown>;
  #retained: number;
  // The latest frames: frame `#count - #window.length + i` is `#window[i]`.
  #window: CheckedPixels[];
  #count = 1;
  #ended = false;
  #streamed = true;

  private constructor(iterator: AsyncIterator<unknown>, first: CheckedPixels, retained: number) {
    this.#iterator = iterator;
    this.#retained = retained;
    this.#window = [first];
    this.width = first.width;
    this.height = first.height;
  }

  /** Reads the first frame, which fixes the video's size, and the following ones up to `lookahead` frames. */
  static async open(frames: AsyncIterable<unknown>, retained: number, lookahead: number): Promise<StreamSource> {
    const iterator = frames[Symbol.asyncIterator]();
    const first = await StreamSource.#next(iterator, 0);
    if (first === undefined) throw new InvalidArgumentError('frames', 'the video has no frames');
    const source = new StreamSource(iterator, first, retained);
    // Kept whole until the first frame past the lookahead is read.
    while (source.#count < lookahead && !source.#ended) await source.#pull(Infinity);
    source.#streamed = !source.#ended;
    return source;
  }

  /** False for a stream that ended within the lookahead: a short video, kept whole. */
  get streamed(): boolean {
    return this.#streamed;
  }

  get count(): number {
    return this.#count;
  }

  get oldest(): number {
    return this.#count - this.#window.length;
  }

  async has(index: number): Promise<boolean> {
    if (index < this.oldest) {
      throw new InvalidArgumentError(
        'frame',
        `frame ${index} is no longer kept: a streamed video keeps its latest ${this.#retained} frames ` +
          `(maxCachedFrames), now ${this.oldest} to ${this.#count - 1}`,
      );
    }
    while (index >= this.#count && !this.#ended) await this.#pull(this.#retained);
    return index < this.#count;
  }

  async read(index: number): Promise<CheckedPixels> {
    if (!(await this.has(index))) {
      throw new InvalidArgumentError('frame', `frame ${index} is past the end of the video (${this.#count} frames)`);
    }
    return this.#window[index - this.oldest];
  }

  close(): void {
    if (this.#ended) return;
    this.#ended = true;
    // A generator's finally (which stops ffmpeg) runs now; a producer's failure to stop is of no interest here.
    this.#iterator.return?.().catch(() => undefined);
  }

  async #pull(keep: number): Promise<void> {
    try {
      const frame = await StreamSource.#next(this.#iterator, this.#count);
      if (frame === undefined) {
        this.#ended = true;
        return;
      }
      this.#window.push(checkSize(frame, this.#count, 'an image', this.width, this.height));
    } catch (err) {
      // Frame numbers must not shift past a bad frame: the frames read so far are the video.
      this.close();
      throw err;
    }
    if (this.#window.length > keep) this.#window.splice(0, this.#window.length - keep);
    this.#count++;
  }

  /** The producer's next frame, copied (producers such as camera readers reuse one buffer); undefined at its end. */
  static async #next(iterator: AsyncIterator<unknown>, index: number): Promise<CheckedPixels | undefined> {
    let next: IteratorResult<unknown>;
    try {
      next = await iterator.next();
    } catch (err) {
      if (err instanceof Sam2Error) throw err;
      throw new InvalidArgumentError('frames', `the frame source failed at frame ${index}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (next.done) return undefined;
    const pixels = checkFrameImage(next.value, index);
    return { ...pixels, data: pixels.data.slice() };
  }
}
