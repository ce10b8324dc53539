// A worker_threads worker: loads the model with the compiled package, encodes the image it is given, predicts
// and reports. With `keepBusy` it then encodes until terminated, so that termination lands mid-work.
import { parentPort, workerData } from 'node:worker_threads';

const { Sam2Model } = await import(workerData.packageEntry);
const model = await Sam2Model.load(workerData.modelDir);
const embedding = await model.encodeImage(workerData.image);
parentPort.postMessage(await model.predict(embedding, workerData.prompt));
while (workerData.keepBusy) {
  const busy = await model.encodeImage(workerData.image);
  busy.dispose();
}
embedding.dispose();
model.dispose();
