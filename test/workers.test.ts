import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageEmbedding, Prediction, PredictOptions, Sam2Model } from '../lib/index.js';
import { expectSamePrediction } from './helpers/expect.js';
import { readImage } from './helpers/fixtures.js';
import { loadTestModel, testModelDir } from './helpers/model.js';
import type { DecodedImage } from './helpers/png.js';
import { repoRoot } from './helpers/paths.js';

const prompt: PredictOptions = { points: [[358, 361]], labels: [1] };
// Workers run plain Node, so they use the compiled package (built by global-setup.ts).
const packageEntry = pathToFileURL(join(repoRoot, 'dist', 'index.js')).href;

/** Two workers that each load the model and predict; resolves to their reports. */
function startWorkers(image: DecodedImage, keepBusy: boolean): { workers: Worker[]; reports: Promise<Prediction[]> } {
  const workerData = { packageEntry, modelDir: testModelDir(), image, prompt, keepBusy };
  const script = new URL('./helpers/predict-worker.mjs', import.meta.url);
  const workers = [0, 1].map(() => new Worker(script, { workerData }));
  const reports = workers.map(
    (w) =>
      new Promise<Prediction>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`worker exited with code ${code} before reporting`)));
      }),
  );
  return { workers, reports: Promise.all(reports) };
}

describe('worker_threads', () => {
  let image: DecodedImage;
  let model: Sam2Model;
  let embedding: ImageEmbedding;

  beforeAll(async () => {
    image = readImage('square');
    model = await loadTestModel();
    embedding = await model.encodeImage(image);
  });
  afterAll(() => model?.dispose());

  it('loads and predicts in two workers and the main thread at once', async () => {
    const { workers, reports } = startWorkers(image, false);
    const exits = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
    const [fromMain, fromWorkers] = await Promise.all([model.predict(embedding, prompt), reports]);
    for (const r of fromWorkers) expectSamePrediction(r, fromMain);
    expect(await Promise.all(exits)).toEqual([0, 0]);
  });

  it('survives terminating workers in the middle of model work', async () => {
    const { workers, reports } = startWorkers(image, true);
    const before = await model.predict(embedding, prompt);
    await reports;
    // The workers are encoding again by now; 1 is the exit code of a worker stopped by terminate().
    expect(await Promise.all(workers.map((w) => w.terminate()))).toEqual([1, 1]);
    expectSamePrediction(await model.predict(embedding, prompt), before);
  });
});
