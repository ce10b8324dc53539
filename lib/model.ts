import { availableParallelism } from 'node:os';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ImageEmbedding } from './embedding.js';
import { EncodeQueue, checkBatchOptions, type EncodeQueueOptions } from './encode_queue.js';
import { DisposedError, InvalidArgumentError, ModelLoadError, callNative, fromNative } from './errors.js';
import { checkImage, type CheckedPixels } from './image.js';
import { checkGenerateMasksOptions } from './amg/options.js';
import { toRecords } from './amg/records.js';
import type { GenerateMasksOptions, MaskRecord } from './amg/types.js';
import { manifestDigest, readManifest, verifyModelFiles, type Manifest } from './manifest.js';
import { native, preloadNative, type NativeEmbedding, type NativeLoadOptions, type NativeModel, type NativePrompt } from './native.js';
import { checkPromptList, toListedNativePrompt } from './predict_batch.js';
import { PREDICT_OPTION_KEYS, toNativePrompt } from './prompt.js';
import type { ImageInput, LoadOptions, ModelInfo, Prediction, PredictManyItem, PredictOptions } from './types.js';
import { checkKnownKeys, invalidParameter, is, optionNames } from './validate.js';
import { createVideoSession, type VideoSession } from './video/session.js';
import { createTracker, type StreamingTracker } from './video/tracker.js';
import type { TrackerOptions, VideoFrames, VideoSessionOptions } from './video/types.js';

const DTYPES: readonly string[] = ['float32', 'float16', 'bfloat16'];
const LOAD_KEYS = optionNames<LoadOptions>({ device: true, dtype: true, threads: true, batch: true });
const DEVICE = /^(cpu|cuda|cuda:\d+)$/;

/**
 * A SAM 2 / SAM 2.1 model exported by `sam2-node export`, loaded on one device.
 *
 * ```ts
 * const model = await Sam2Model.load('models/sam2.1_hiera_tiny');
 * const embedding = await model.encodeImage({ data, width, height, channels: 3 });
 * const { masks, scores } = await model.predict(embedding, { points: [[320, 240]], labels: [1] });
 * ```
 *
 * All methods run their model work off the event loop. Concurrent calls are allowed.
 */
export class Sam2Model {
  /** What the model is and where it runs. */
  readonly info: ModelInfo;
  #native: NativeModel;
  #encodes: EncodeQueue<CheckedPixels, NativeEmbedding>;
  #disposed = false;

  /** The exported model's manifest.json, as checked at load. */
  readonly manifest: Readonly<Manifest>;

  /** @internal Identifies the model's weights in portable embeddings (see manifestDigest). */
  readonly modelDigest: Uint8Array;

  private constructor(nativeModel: NativeModel, manifest: Manifest, batch: EncodeQueueOptions) {
    this.#native = nativeModel;
    this.#encodes = new EncodeQueue((images) => {
      if (images.length > 1) return nativeModel.encodeImages(images);
      const { data, width, height, channels } = images[0];
      return nativeModel.encodeImage(data, width, height, channels).then((embedding) => [embedding]);
    }, batch);
    this.manifest = manifest;
    this.modelDigest = manifestDigest(manifest);
    this.info = Object.freeze({
      ...nativeModel.info(),
      name: manifest.name,
      formatVersion: manifest.formatVersion,
      torchVersion: manifest.torchVersion,
    });
  }

  /**
   * Loads an exported model directory (the one holding `manifest.json`). The files are checked against the
   * manifest's sha256 sums, and the modules against the manifest (each file's inputs, the image size they were
   * exported for, a usable normalisation), so that a forged or mixed-up directory fails here.
   *
   * @throws {@link InvalidArgumentError} for bad options, e.g. a `cuda` device where CUDA is not available.
   * @throws {@link ModelLoadError} when the directory is missing, incomplete, corrupt, inconsistent with its manifest
   *   (or lists files outside itself), or from a newer exporter.
   */
  static async load(dir: string, options: LoadOptions = {}): Promise<Sam2Model> {
    if (!is.string(dir) || dir === '') throw invalidParameter('dir', 'the path of a model directory', dir);
    const opts = checkLoadOptions(options);
    const batch = checkBatchOptions(options.batch, opts.device, opts.threads);
    const path = resolve(dir);
    await checkModelDir(path);
    const manifest = await readManifest(path);
    await verifyModelFiles(path, manifest);
    await preloadNative();
    const addon = native();
    if (opts.device !== 'cpu' && !addon.cudaAvailable()) {
      throw new InvalidArgumentError('device', `${opts.device} requested, but CUDA is not available`);
    }
    const { imageSize, mean, std } = manifest;
    const nativeModel = await callNative(() => addon.loadModel(path, { ...opts, imageSize, mean, std }));
    return new Sam2Model(nativeModel, manifest, batch);
  }

  /** Whether {@link Sam2Model.dispose} was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Runs the image encoder on an RGB or RGBA image. The result stays on the model's device and serves any number
   * of {@link Sam2Model.predict} calls. Concurrent calls queue, and are batched per {@link LoadOptions.batch}.
   */
  async encodeImage(image: ImageInput): Promise<ImageEmbedding> {
    this.#checkOpen();
    const pixels = checkImage(image);
    const embedding = await callNative(() => this.#encodes.push(pixels));
    return new ImageEmbedding(embedding, this);
  }

  /**
   * Predicts masks for a prompt: clicks, a box, a previous mask's low-res logits, or a combination.
   * Coordinates are in pixels of the original image.
   */
  async predict(embedding: ImageEmbedding, options: PredictOptions): Promise<Prediction> {
    this.#checkOpen();
    const image = this.#nativeEmbedding(embedding, 'embedding');
    const prompt = toNativePrompt(options, this.info.lowResSize, image);
    return toPrediction(await callNative(() => this.#native.predict(image, prompt)));
  }

  /**
   * Predicts masks for many prompts on one image, e.g. every box of a detector, in one prompt-decoder batch: result
   * `i` is what {@link Sam2Model.predict} gives for `prompts[i]` alone (to float rounding). Any mix of prompts works;
   * prompts with the same number of points (boxes, or one click each) share one decoder call, and each further point
   * count costs one more, because padding prompts to a common length would change their masks.
   *
   * ```ts
   * const predictions = await model.predictBatch(embedding, boxes.map((box) => ({ box, multimask: false })));
   * ```
   *
   * An empty list resolves to `[]` (a detector that found nothing is not an error).
   *
   * @throws {@link InvalidArgumentError} naming the bad prompt's field (`prompts[3].box`), or `prompts` when there
   * are more than {@link MAX_BATCH_PROMPTS}.
   */
  async predictBatch(embedding: ImageEmbedding, prompts: readonly PredictOptions[]): Promise<Prediction[]> {
    this.#checkOpen();
    const image = this.#nativeEmbedding(embedding, 'embedding');
    const list = checkPromptList(prompts, 'prompts');
    const native = list.map((p, i) => toListedNativePrompt(p, this.info.lowResSize, image, `prompts[${i}]`));
    return this.#predictQueries(list.map(() => image), native);
  }

  /**
   * {@link Sam2Model.predictBatch} across images: each item is a prompt with the embedding it applies to, and all of
   * them run in one prompt-decoder batch (one per point count). Result `i` answers `items[i]`.
   *
   * @throws {@link InvalidArgumentError} naming the bad item's field (`items[2].embedding`, `items[3].box`).
   */
  async predictMany(items: readonly PredictManyItem[]): Promise<Prediction[]> {
    this.#checkOpen();
    const list = checkPromptList(items, 'items');
    const embeddings: NativeEmbedding[] = [];
    const prompts = list.map((item, i) => {
      const name = `items[${i}]`;
      if (!is.object(item)) throw invalidParameter(name, 'an object with embedding and a prompt', item);
      checkKnownKeys(item, ITEM_KEYS, `${name}.`);
      const { embedding, ...prompt } = item;
      const image = this.#nativeEmbedding(embedding, `${name}.embedding`);
      embeddings.push(image);
      return toListedNativePrompt(prompt, this.info.lowResSize, image, name);
    });
    return this.#predictQueries(embeddings, prompts);
  }

  /**
   * Restores an embedding written by {@link ImageEmbedding.toBuffer}, in this or another process, onto this model's
   * device. The buffer is checked in full (format version, the model's identity, sizes, a CRC-32) before use.
   *
   * @throws {@link InvalidArgumentError} (parameter `buffer`) when it is not a Buffer/Uint8Array, or is truncated,
   * corrupt, of another format version, or made by a model with other weights or another image size.
   */
  async embeddingFromBuffer(buffer: Uint8Array): Promise<ImageEmbedding> {
    this.#checkOpen();
    if (!(buffer instanceof Uint8Array)) throw invalidParameter('buffer', 'a Buffer or Uint8Array', buffer);
    const embedding = await callNative(() => this.#native.embeddingFromBuffer(buffer, this.modelDigest));
    return new ImageEmbedding(embedding, this);
  }

  /**
   * Segments everything: the official `SAM2AutomaticMaskGenerator` (a grid of single-point prompts, quality filters,
   * NMS, optional crops), resolving to its records in its order. With an {@link ImageEmbedding} only
   * `cropNLayers: 0` is possible, since each crop is encoded on its own.
   *
   * @throws {@link InvalidArgumentError} for a bad or unknown option, naming it.
   */
  async generateMasks(image: ImageInput | ImageEmbedding, options?: GenerateMasksOptions): Promise<MaskRecord[]> {
    this.#checkOpen();
    const { native: opts, onProgress } = checkGenerateMasksOptions(options);
    let source: NativeEmbedding | CheckedPixels;
    if (image instanceof ImageEmbedding) {
      if (image.owner !== this) throw new InvalidArgumentError('image', 'the embedding was made by another model');
      if (image.disposed) throw new DisposedError('the ImageEmbedding was disposed');
      if (opts.cropNLayers > 0) {
        throw new InvalidArgumentError('cropNLayers', 'crops are encoded on their own: pass the image, not an embedding');
      }
      source = image.native;
    } else {
      source = checkImage(image);
    }
    const progress = onProgress && progressReporter(onProgress);
    const columns = await callNative(() => this.#native.generateMasks(source, opts, progress?.report));
    progress?.finish();
    return toRecords(columns, opts.outputMode);
  }

  /**
   * Opens a video for tracking (see {@link VideoSession}): a directory of JPEG/PNG frames, a video file (decoded by
   * ffmpeg), an array of decoded frames, or an async iterable of them. A video file or an async iterable is read
   * lazily, as far as calls need, keeping only its latest frames (see {@link VideoFrames}).
   */
  async createVideoSession(frames: VideoFrames, options?: VideoSessionOptions): Promise<VideoSession> {
    this.#checkOpen();
    const { tracking } = this.manifest;
    return createVideoSession(this.#native, tracking, this.info.lowResSize, () => this.#disposed, frames, options);
  }

  /** A tracker for an unbounded stream of frames with bounded memory (see {@link StreamingTracker}). */
  createTracker(options?: TrackerOptions): StreamingTracker {
    this.#checkOpen();
    return createTracker(this.#native, this.manifest.tracking, this.info.lowResSize, () => this.#disposed, options);
  }

  /**
   * Frees the model's weights now. Later calls reject with {@link DisposedError}; calling it again does nothing.
   * Embeddings made by the model hold their own memory: dispose them too.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#encodes.close(() => new DisposedError('the Sam2Model was disposed'));
    try {
      this.#native.dispose();
    } catch (err) {
      throw fromNative(err);
    }
  }

  #checkOpen(): void {
    if (this.#disposed) throw new DisposedError('the Sam2Model was disposed');
  }

  /** The native side of an embedding this model made, checked under parameter `name`. */
  #nativeEmbedding(embedding: unknown, name: string): NativeEmbedding {
    if (!(embedding instanceof ImageEmbedding)) {
      throw invalidParameter(name, 'an ImageEmbedding from encodeImage()', embedding);
    }
    if (embedding.owner !== this) throw new InvalidArgumentError(name, 'was made by another model');
    if (embedding.disposed) throw new DisposedError(`${name}: the ImageEmbedding was disposed`);
    return embedding.native;
  }

  async #predictQueries(embeddings: NativeEmbedding[], prompts: NativePrompt[]): Promise<Prediction[]> {
    if (prompts.length === 0) return [];
    const results = await callNative(() => this.#native.predictBatch(embeddings, prompts));
    return results.map(toPrediction);
  }
}

const ITEM_KEYS: readonly string[] = ['embedding', ...PREDICT_OPTION_KEYS];

/** The public shape of the addon's result (it builds exactly this; the copy keeps stray fields out). */
function toPrediction(r: Prediction): Prediction {
  const prediction: Prediction = {
    count: r.count,
    width: r.width,
    height: r.height,
    masks: r.masks,
    scores: r.scores,
    lowResLogits: r.lowResLogits,
    lowResSize: r.lowResSize,
  };
  if (r.logits) prediction.logits = r.logits;
  return prediction;
}

/**
 * The user's progress callback as the addon calls it: what it throws is reported, not propagated, and reports that
 * arrive after the call settled (the thread pool posts them) are dropped; `finish` makes the last report done = total.
 */
function progressReporter(fn: (done: number, total: number) => void) {
  let settled = false;
  let last: [number, number] = [0, 0];
  const call = (done: number, total: number): void => {
    try {
      fn(done, total);
    } catch (err) {
      process.emitWarning(`generateMasks onProgress threw: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return {
    report: (done: number, total: number): void => {
      if (settled) return;
      last = [done, total];
      call(done, total);
    },
    finish: (): void => {
      settled = true;
      if (last[0] < last[1]) call(last[1], last[1]);
    },
  };
}

/** @internal Checks {@link LoadOptions}' form (not whether this machine can honour them). */
export function checkLoadOptions(options: unknown): NativeLoadOptions {
  if (!is.object(options)) throw invalidParameter('options', 'an object', options);
  checkKnownKeys(options, LOAD_KEYS);
  const { device = 'cpu', dtype = 'float32', threads } = options;
  if (!is.string(device) || !DEVICE.test(device)) {
    throw invalidParameter('device', "'cpu', 'cuda' or 'cuda:<n>'", device);
  }
  if (!is.string(dtype) || !DTYPES.includes(dtype)) throw invalidParameter('dtype', DTYPES.join(', '), dtype);
  if (threads !== undefined && !is.positiveInt32(threads)) {
    throw invalidParameter('threads', 'a positive integer', threads);
  }
  // Every core by default: libtorch's own default can be a single thread (it follows OMP_NUM_THREADS).
  return { device, dtype, threads: threads ?? availableParallelism() };
}

async function checkModelDir(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new ModelLoadError(`model: ${dir} does not exist`);
  if (!info.isDirectory()) throw new ModelLoadError(`model: ${dir} is not a directory`);
}
