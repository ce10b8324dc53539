import { describe, expect, it } from 'vitest';
import { Progress } from '../lib/cli/progress.js';

/** A stream that records what is written, and a clock the test moves. */
function harness(isTTY: boolean) {
  const writes: string[] = [];
  let now = 0;
  return {
    writes,
    tick: (ms: number) => (now += ms),
    options: { stream: { isTTY, write: (s: string) => writes.push(s) }, now: () => now },
  };
}

describe('Progress', () => {
  it('redraws one line on a terminal: bar, count, rate, ETA', () => {
    const h = harness(true);
    const p = new Progress({ label: 'track', unit: 'frames', total: 40, ...h.options });
    h.tick(2000);
    p.update(10);
    expect(h.writes).toEqual(['\r\x1b[Ktrack: [######------------------]  10/40 frames  5.0 frames/s  ETA 0:06  elapsed 0:02']);
    h.tick(50);
    p.update(11); // within 100 ms of the last draw: skipped
    expect(h.writes).toHaveLength(1);
    h.tick(7950);
    p.update(40);
    p.finish();
    expect(h.writes.at(-1)).toBe('\r\x1b[Ktrack: [########################]  40/40 frames  4.0 frames/s  elapsed 0:10\n');
  });

  it('writes plain lines at most every intervalMs elsewhere, and a final one', () => {
    const h = harness(false);
    const p = new Progress({ label: 'track', unit: 'frames', total: 8, intervalMs: 1000, ...h.options });
    for (let i = 1; i <= 8; i++) {
      h.tick(400);
      p.update(i);
    }
    p.finish();
    expect(h.writes.every((w) => !w.includes('\r') && w.endsWith('\n'))).toBe(true);
    expect(h.writes[0]).toBe('track: 1/8 frames (12%), 2.5 frames/s, ETA 0:03, elapsed 0:00\n');
    expect(h.writes).toHaveLength(4); // at 0.4 s, 1.6 s, 2.8 s, and the final line
    expect(h.writes.at(-1)).toBe('track: 8/8 frames (100%), 2.5 frames/s, elapsed 0:03\n');
  });

  it('counts bytes in MiB, without the resumed part in the rate', () => {
    const h = harness(false);
    const MiB = 1024 * 1024;
    const p = new Progress({ label: 'download', unit: 'bytes', total: 100 * MiB, initial: 40 * MiB, ...h.options });
    h.tick(3000);
    p.update(70 * MiB);
    expect(h.writes).toEqual(['download: 70.0/100.0 MiB (70%), 10.0 MiB/s, ETA 0:03, elapsed 0:03\n']);
  });

  it('shows no percentage or ETA without a total', () => {
    const h = harness(false);
    const p = new Progress({ label: 'track', unit: 'frames', ...h.options });
    h.tick(1000);
    p.update(3);
    expect(h.writes).toEqual(['track: 3 frames, 3.0 frames/s, elapsed 0:01\n']);
  });
});
