// A worker_threads worker: restores an embedding from the portable buffer it is sent, with its own model, and
// reports the prediction for the prompt it is given.
import { parentPort, workerData } from 'node:worker_threads';

const { Sam2Model } = await import(workerData.packageEntry);
const model = await Sam2Model.load(workerData.modelDir);
parentPort.once('message', async (buffer) => {
  const embedding = await model.embeddingFromBuffer(buffer);
  parentPort.postMessage(await model.predict(embedding, workerData.prompt));
  embedding.dispose();
  model.dispose();
});
