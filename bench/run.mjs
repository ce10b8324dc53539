// `npm run bench`: latency of the Node API against the same exported TorchScript files driven from Python and
// against onnxruntime-node on .onnx copies of the same modules, one table per run, JSON in bench/.cache/last.json.
// Suites run one after the other (never two sides at once: they would share the cores), once per model. A suite
// is `{ name, run(opts, context) }` resolving to `{ rows, ...meta }`, each row `{ what, node, python?, ort? }`
// holding samples (ms) or one value (ms unless its `what` names another unit).
// Options: --model NAME|DIR (repeatable; default: mini and tiny-1024, see models.mjs) --device cpu|cuda[:N]
//          --dtype float32|float16|bfloat16 --threads N --warmup N --iters N (encode-sized work) --predict-iters N
//          --suite image|click|batch|video|amg|soak (repeatable; default image, click, batch, video and amg)
//          --video-model NAME (repeatable; the models the video suite runs on, default mini) --video-frames N
//          (timed frames per latency run) --amg-model NAME (repeatable; the models the amg suite runs on, default
//          tiny-1024)
//          soak (bench/soak.mjs; on mini alone unless --model is given): --soak-cycles N --soak-sessions N
//          --soak-max-growth MiB; exits 1 when memory keeps growing
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findPython } from '../scripts/lib/python.mjs';
import { amgSuite } from './amg.mjs';
import { batchSuite } from './batch.mjs';
import { clickSuite } from './click.mjs';
import { imageSuite } from './image.mjs';
import { summarize } from './measure.mjs';
import { BENCH_MODELS, DEFAULT_BENCH_MODELS, ensureBenchModel } from './models.mjs';
import { soakSuite } from './soak.mjs';
import { videoSuite } from './video.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const SUITES = [imageSuite, clickSuite, batchSuite, videoSuite, amgSuite, soakSuite];
const DEFAULT_SUITES = [imageSuite.name, clickSuite.name, batchSuite.name, videoSuite.name, amgSuite.name];

function options() {
  const { values } = parseArgs({
    options: {
      model: { type: 'string', multiple: true },
      suite: { type: 'string', multiple: true, default: DEFAULT_SUITES },
      device: { type: 'string', default: 'cpu' },
      dtype: { type: 'string', default: 'float32' },
      // The cores of a small dev machine; pass the same number to both sides so the ratio compares runtimes.
      threads: { type: 'string', default: String(Math.min(2, availableParallelism())) },
      // TorchScript's profiling executor keeps re-optimising for the first few calls, on both sides.
      warmup: { type: 'string', default: '5' },
      iters: { type: 'string', default: '8' },
      'predict-iters': { type: 'string', default: '20' },
      // Video tracking on CPU takes a second or more per frame at 1024 px: the small model only, by default.
      'video-model': { type: 'string', multiple: true, default: ['mini'] },
      'video-frames': { type: 'string', default: '16' },
      // The soak's cycles take about a second each on the mini model; a third of them make each plateau.
      'soak-cycles': { type: 'string', default: '30' },
      'soak-sessions': { type: 'string', default: '30' },
      // Allocator caches and glibc arenas settle within the first third; a leaked mini model (~50 MiB) or a
      // leaked session state per cycle exceeds this many times over.
      'soak-max-growth': { type: 'string', default: '32' },
      // Automatic mask generation at the official defaults is a minute or more per side on a CPU at 1024 px.
      'amg-model': { type: 'string', multiple: true, default: ['tiny-1024'] },
    },
  });
  const int = (name) => {
    const n = Number(values[name]);
    if (Number.isInteger(n) && n >= (name === 'warmup' ? 0 : 1)) return n;
    throw new Error(`--${name}: expected a positive integer, got ${values[name]}`);
  };
  const unknown = values.suite.filter((name) => !SUITES.some((s) => s.name === name));
  if (unknown.length) throw new Error(`--suite: unknown ${unknown.join(', ')} (known: ${SUITES.map((s) => s.name)})`);
  // A soak alone runs on the small model: hundreds of loads of a large one would take an hour.
  const soakOnly = values.suite.every((name) => name === soakSuite.name);
  const models = values.model ?? (soakOnly ? ['mini'] : DEFAULT_BENCH_MODELS);
  return {
    suites: SUITES.filter((s) => values.suite.includes(s.name)),
    models: models.map((m) => ({ label: m, dir: BENCH_MODELS.includes(m) ? ensureBenchModel(m) : resolve(m) })),
    device: values.device,
    dtype: values.dtype,
    threads: int('threads'),
    warmup: int('warmup'),
    iters: int('iters'),
    predictIters: int('predict-iters'),
    videoModels: values['video-model'],
    videoFrames: int('video-frames'),
    soakCycles: int('soak-cycles'),
    soakSessions: int('soak-sessions'),
    soakMaxGrowth: int('soak-max-growth'),
    amgModels: values['amg-model'],
  };
}

function runPython(script, args) {
  const python = findPython();
  if (!python) throw new Error('no Python with torch found for the baseline (set SAM2_PYTHON)');
  const r = spawnSync(python, [join(BENCH_DIR, script), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`${script} exited with ${r.status ?? r.signal}`);
  return JSON.parse(r.stdout);
}

const ms = (v) => v.toFixed(v < 10 ? 2 : 1);
const cell = (v) => (v === undefined ? '—' : typeof v === 'number' ? ms(v) : `${ms(v.median)} / ${ms(v.p90)}`);

const central = (v) => (typeof v === 'object' ? v.median : v);
const ratio = (a, b) => (a === undefined || b === undefined ? '—' : (central(a) / central(b)).toFixed(2));

function printTable(rows) {
  const lines = [
    '| model | what (ms unless stated) | node (median / p90) | python | onnxruntime-node | node/python | node/ort |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.what} | ${cell(r.node)} | ${cell(r.python)} | ${cell(r.ort)} | ` +
        `${ratio(r.node, r.python)} | ${ratio(r.node, r.ort)} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

const opts = options();
// Spinning OpenMP and OpenBLAS workers stall whichever side shares a small, busy machine with other work (the
// Python side by 1.5-3x on 2 shared cores); sleeping ones make the ratio about the runtimes. sam2-node sets the
// same before its addon loads (lib/native.ts); here they are inherited by Python too, and onnxruntime's sessions
// get the matching allow_spinning. OMP_WAIT_POLICY=ACTIVE measures the spinning defaults.
process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
process.env.OPENBLAS_THREAD_TIMEOUT ??= process.env.OMP_WAIT_POLICY === 'PASSIVE' ? '4' : '28';
// Other work on a small machine skews whichever side runs beside it: the load before the run tells a reader.
const loadBefore = loadavg()[0];
const context = { runPython };
const results = [];
const summary = (v) => (Array.isArray(v) ? summarize(v) : v);
for (const model of opts.models) {
  for (const suite of opts.suites) {
    const { rows, ...meta } = await suite.run({ ...opts, model: model.dir, modelLabel: model.label }, context);
    results.push({
      suite: suite.name,
      model: model.label,
      ...meta,
      rows: rows.map((r) => ({
        model: model.label,
        what: r.what,
        node: summary(r.node),
        python: summary(r.python),
        ort: summary(r.ort),
      })),
    });
  }
}

const torch = results.map((r) => r.python?.torch).find(Boolean) ?? '?';
const ort = results.map((r) => r.ort).find(Boolean) ?? 'not installed';
process.stdout.write(
  `sam2-node bench: ${opts.models.map((m) => m.label).join(', ')}, device ${opts.device}, dtype ${opts.dtype}, ` +
    `${opts.threads} threads, ${opts.warmup} warm-up + ${opts.iters} (predict ${opts.predictIters}, ` +
    `video ${opts.videoFrames} frames) runs, ` +
    `node ${process.version}, python torch ${torch}, onnxruntime-node ${ort}, ` +
    `OMP_WAIT_POLICY ${process.env.OMP_WAIT_POLICY}, OPENBLAS_THREAD_TIMEOUT ${process.env.OPENBLAS_THREAD_TIMEOUT}, ` +
    `load average ${loadBefore.toFixed(1)} before the run\n\n`,
);
printTable(results.flatMap((r) => r.rows));
const out = join(BENCH_DIR, '.cache', 'last.json');
mkdirSync(dirname(out), { recursive: true });
const report = {
  date: new Date().toISOString(),
  options: { ...opts, suites: opts.suites.map((s) => s.name) },
  node: process.version,
  ompWaitPolicy: process.env.OMP_WAIT_POLICY,
  loadBefore,
  results,
};
writeFileSync(out, `${JSON.stringify(report, null, 1)}\n`);
process.stdout.write(`\nwritten to ${out}\n`);
const failures = results.filter((r) => r.failure);
for (const r of failures) process.stderr.write(`\nFAILED: ${r.suite} on ${r.model}: ${r.failure}\n`);
if (failures.length) process.exitCode = 1;
