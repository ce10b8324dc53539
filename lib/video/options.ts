// Checks of the video API's arguments, laid out as the addon takes them. Errors name the offending parameter.
import { InvalidArgumentError } from '../errors.js';
import { toNativePrompt, type PromptBounds } from '../prompt.js';
import { asUint8Array, checkBytes, checkKnownKeys, invalidParameter, is, optionNames } from '../validate.js';
import type { NativeMaskCall, NativeOutputOptions, NativePointsCall } from './native.js';
import type {
  PropagateOptions,
  TrackerOptions,
  VideoMaskOptions,
  VideoPointsOptions,
  VideoSessionOptions,
} from './types.js';

const DEFAULT_FILL_HOLE_AREA = 8;

function checkObject(value: unknown, name: string): Record<string, unknown> {
  if (!is.object(value)) throw invalidParameter(name, 'an object', value);
  return value;
}

/** `frame` as an index below `limit` (the frames there are so far). */
export function checkFrame(frame: unknown, limit: number): number {
  if (limit === 0) {
    // Only a streaming tracker has no frame: it numbers the frames it is given.
    throw new InvalidArgumentError('frame', 'no frame has been tracked yet: call track(image) first, then prompt it');
  }
  if (!is.nonNegativeInt32(frame) || frame >= limit) {
    throw invalidParameter('frame', `a frame index in [0, ${limit})`, frame);
  }
  return frame;
}

function checkObjectId(id: unknown): number {
  if (!is.int32(id)) throw invalidParameter('objectId', 'an int32 integer', id);
  return id;
}

function checkBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (!is.boolean(value)) throw invalidParameter(name, 'a boolean', value);
  return value;
}

function checkCount(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!is.int32(value) || value < min) throw invalidParameter(name, `an integer >= ${min}`, value);
  return value;
}

export function checkOutputOptions(options: Record<string, unknown>, cachedFrames: number): NativeOutputOptions {
  return {
    fillHoleArea: checkCount(options.fillHoleArea, 'fillHoleArea', DEFAULT_FILL_HOLE_AREA, 0),
    nonOverlap: checkBoolean(options.nonOverlap, 'nonOverlap', false),
    maxCachedFrames: checkCount(options.maxCachedFrames, 'maxCachedFrames', cachedFrames, 1),
  };
}

export function checkMaxMemoryFrames(options: Record<string, unknown>): number {
  return checkCount(options.maxMemoryFrames, 'maxMemoryFrames', 16, 1);
}

const POINTS_KEYS = optionNames<VideoPointsOptions>({
  frame: true,
  objectId: true,
  points: true,
  labels: true,
  box: true,
  clearOld: true,
});
const MASK_KEYS = optionNames<VideoMaskOptions>({ frame: true, objectId: true, mask: true });
const PROPAGATE_KEYS = optionNames<PropagateOptions>({ start: true, maxFrames: true, reverse: true, signal: true });
const SESSION_KEYS = optionNames<VideoSessionOptions>({ fillHoleArea: true, nonOverlap: true, maxCachedFrames: true });
const TRACKER_KEYS = optionNames<TrackerOptions>({
  fillHoleArea: true,
  nonOverlap: true,
  maxCachedFrames: true,
  maxMemoryFrames: true,
});

/** A video session's options object. */
export function checkSessionOptions(options: unknown): Record<string, unknown> {
  const o = checkObject(options, 'options');
  checkKnownKeys(o, SESSION_KEYS);
  return o;
}

/** A streaming tracker's options object. */
export function checkTrackerOptions(options: unknown): Record<string, unknown> {
  const o = checkObject(options, 'options');
  checkKnownKeys(o, TRACKER_KEYS);
  return o;
}

/** addPoints' options on a video of `width` x `height`; `frames`: how many frames may be named. */
export function toPointsCall(
  options: unknown,
  frames: number,
  lowResSize: number,
  bounds: PromptBounds,
): NativePointsCall {
  const o = checkObject(options, 'options');
  checkKnownKeys(o, POINTS_KEYS);
  const frame = checkFrame(o.frame, frames);
  const objectId = checkObjectId(o.objectId);
  const clearOld = checkBoolean(o.clearOld, 'clearOld', true);
  if (o.points === undefined && o.box === undefined) {
    throw new InvalidArgumentError('points', 'give points (with labels) or a box');
  }
  if (o.box !== undefined && !clearOld) {
    throw new InvalidArgumentError('box', 'a box needs clearOld: true (it replaces the frame\'s clicks)');
  }
  const { coords, labels } = toNativePrompt({ points: o.points, labels: o.labels, box: o.box }, lowResSize, bounds);
  return { frame, objectId, coords, labels, clearOld };
}

/** addMask's options for a video of `width` x `height`. */
export function toMaskCall(options: unknown, frames: number, width: number, height: number): NativeMaskCall {
  const o = checkObject(options, 'options');
  checkKnownKeys(o, MASK_KEYS);
  const frame = checkFrame(o.frame, frames);
  const objectId = checkObjectId(o.objectId);
  return { frame, objectId, mask: asUint8Array(checkBytes(o.mask, width * height, 'mask', `${width}x${height}`)) };
}

export interface PropagationPlan {
  start: number | undefined;
  maxFrames: number | undefined;
  reverse: boolean;
  signal: AbortSignal | undefined;
}

export function checkPropagateOptions(options: unknown, frames: number): PropagationPlan {
  const o = checkObject(options, 'options');
  checkKnownKeys(o, PROPAGATE_KEYS);
  const start = o.start === undefined ? undefined : checkStart(o.start, frames);
  const maxFrames = o.maxFrames === undefined ? undefined : checkCount(o.maxFrames, 'maxFrames', 0, 0);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw invalidParameter('signal', 'an AbortSignal', o.signal);
  }
  return { start, maxFrames, reverse: checkBoolean(o.reverse, 'reverse', false), signal: o.signal };
}

function checkStart(start: unknown, frames: number): number {
  if (!is.nonNegativeInt32(start) || start >= frames) {
    throw invalidParameter('start', `a frame index in [0, ${frames})`, start);
  }
  return start;
}

/** The frames propagate_in_video visits, at most `maxFrames` of them. */
export function processingOrder(start: number, maxFrames: number, reverse: boolean, frames: number): number[] {
  const order: number[] = [];
  if (reverse) {
    // The official skips a reverse pass that starts at frame 0.
    for (let f = start; start > 0 && f >= 0 && order.length < maxFrames; f--) order.push(f);
  } else {
    for (let f = start; f < frames && order.length < maxFrames; f++) order.push(f);
  }
  return order;
}
