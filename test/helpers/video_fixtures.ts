// Typed access to the video part of the parity fixtures (manifest.json "video_predictor").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageInput } from '../../lib/index.js';
import { readBin, type BinEntry } from './fixtures.js';
import { parityDir } from './paths.js';
import { decodePng } from './png.js';

export interface VideoObjectResult {
  obj_id: number;
  video_res_mask: BinEntry;
  /** null: the object has no output on this frame (NO_OBJ_SCORE logits). */
  stored_in: string | null;
  low_res_logits?: BinEntry;
  object_score_logit?: number;
}

export interface VideoResult {
  frame_idx: number;
  obj_ids: number[];
  per_object: VideoObjectResult[];
}

export interface AddPointsArgs {
  frame_idx: number;
  obj_id: number;
  points: [number, number][] | null;
  labels: number[] | null;
  box: [number, number, number, number] | null;
  clear_old_points: boolean;
}

export interface PropagateArgs {
  start_frame_idx: number | null;
  max_frame_num_to_track: number | null;
  reverse: boolean;
}

export type VideoOp =
  | { index: number; op: 'add_new_points_or_box'; args: AddPointsArgs; results: VideoResult[] }
  | { index: number; op: 'propagate_in_video'; args: PropagateArgs; results: VideoResult[] };

export interface VideoFixture {
  frames: string[];
  frame_hw: [number, number];
  sequences: Record<'V1' | 'V2', { ops: VideoOp[] }>;
}

export const video = (JSON.parse(readFileSync(join(parityDir, 'manifest.json'), 'utf8')) as { video_predictor: VideoFixture })
  .video_predictor;

/** The folder of the fixture frames (00000.png ...). */
export const videoFramesDir = join(parityDir, 'video', 'frames');

export function readVideoFrames(): ImageInput[] {
  return video.frames.map((file) => decodePng(readFileSync(join(parityDir, file))));
}

export { readBin };
