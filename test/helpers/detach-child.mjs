// Run as `node --expose-gc detach-child.mjs <package entry> <case> [model dir]`: starts a native call on a large
// buffer, then transfers the buffer away (structuredClone with a transfer list, as postMessage does) and collects
// the new owner, so its memory is freed while the call runs. Prints one JSON line of what the calls returned; a
// crash shows as the process's exit signal. Buffers are over glibc's 32 MiB mmap threshold, so freed memory is
// unmapped and a read of it faults instead of passing unnoticed.
const [entry, which, modelDir] = process.argv.slice(2);
const { Sam2Model, connectedComponents } = await import(entry);

function transferAway(view) {
  structuredClone(view.buffer, { transfer: [view.buffer] });
  globalThis.gc();
  // Fill freshly allocated memory, likely where the freed pages were mapped again.
  return new Uint8Array(view.length).fill(7).length;
}

const report = [];
if (which === 'connectedComponents') {
  const side = 6000;
  for (let round = 0; round < 3; round++) {
    const mask = new Uint8Array(side * side).fill(1);
    const pending = connectedComponents(mask, side, side);
    transferAway(mask);
    const { count, areas } = await pending;
    report.push({ count, firstArea: areas[0], lastArea: areas[areas.length - 1] });
  }
} else if (which === 'encodeImage') {
  const model = await Sam2Model.load(modelDir);
  const [width, height] = [4000, 3100];
  const pixels = () => {
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    return data;
  };
  const prompt = { points: [[1200, 900]], labels: [1] };
  const reference = await model.predict(await model.encodeImage({ data: pixels(), width, height, channels: 3 }), prompt);
  for (let round = 0; round < 2; round++) {
    const data = pixels();
    const pending = model.encodeImage({ data, width, height, channels: 3 });
    transferAway(data);
    const r = await model.predict(await pending, prompt);
    let maskDiffs = 0;
    for (let i = 0; i < r.masks.length; i++) if (r.masks[i] !== reference.masks[i]) maskDiffs++;
    const scoreDiff = Math.max(...r.scores.map((s, i) => Math.abs(s - reference.scores[i])));
    report.push({ maskDiffs, scoreDiff });
  }
  model.dispose();
} else {
  throw new Error(`unknown case ${which}`);
}
process.stdout.write(`${JSON.stringify(report)}\n`);
