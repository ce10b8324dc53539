// Timing helpers shared by the suites.
import { performance } from 'node:perf_hooks';

/**
 * Runs `fn` `warmup` times, then returns the durations (ms) of `iters` more runs. Between the two it collects the
 * garbage of the warm-up (and of earlier suites), which should not land in the measured runs, through `collect`.
 */
export async function timed(fn, warmup, iters, collect = () => globalThis.gc?.()) {
  for (let i = 0; i < warmup; i++) await fn();
  collect();
  const samples = [];
  for (let i = 0; i < iters; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return samples;
}

/** Nearest-rank percentile, so that p90 of a few samples is one of them rather than an interpolation. */
function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, p90: percentile(sorted, 90), n: sorted.length, samples };
}
