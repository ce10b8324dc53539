import { describe, expect, it } from 'vitest';
import { connectedComponents, type ConnectedComponents } from '../lib/index.js';
import { randomMask, referenceAreas } from './helpers/components.js';

/** Labels partition the foreground exactly as the reference does, and areas match. */
function expectMatchesReference(cc: ConnectedComponents, mask: Uint8Array, width: number, height: number): void {
  const ref = referenceAreas(mask, width, height);
  expect(cc.labels.length).toBe(mask.length);
  expect(cc.areas).toEqual(ref.areas);
  const toRef = new Map<number, number>();
  const fromRef = new Map<number, number>();
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) {
      expect(cc.labels[i]).toBe(0);
      continue;
    }
    expect(cc.labels[i]).toBeGreaterThan(0);
    const label = cc.labels[i];
    const component = ref.component[i];
    expect(toRef.get(label) ?? component).toBe(component);
    expect(fromRef.get(component) ?? label).toBe(label);
    toRef.set(label, component);
    fromRef.set(component, label);
  }
  expect(cc.count).toBe(fromRef.size);
}

describe('connectedComponents', () => {
  it('finds nothing in an empty mask', async () => {
    const cc = await connectedComponents(new Uint8Array(12), 4, 3);
    expect(cc.count).toBe(0);
    expect(cc.labels.every((v) => v === 0)).toBe(true);
    expect(cc.areas.every((v) => v === 0)).toBe(true);
  });

  it('finds one component covering a full mask', async () => {
    const cc = await connectedComponents(new Uint8Array(6 * 4).fill(1), 6, 4);
    expect(cc.count).toBe(1);
    expect(new Set(cc.labels).size).toBe(1);
    expect(cc.areas.every((v) => v === 24)).toBe(true);
  });

  it('connects diagonal neighbours (8-connectivity)', async () => {
    // prettier-ignore
    const mask = Uint8Array.of(
      1, 0, 0, 0,
      0, 1, 0, 1,
      0, 0, 0, 1,
    );
    const cc = await connectedComponents(mask, 4, 3);
    expect(cc.count).toBe(2);
    expect(Array.from(cc.areas)).toEqual([2, 0, 0, 0, 0, 2, 0, 2, 0, 0, 0, 2]);
    expect(cc.labels[0]).toBe(cc.labels[5]);
    expect(cc.labels[7]).toBe(cc.labels[11]);
    expect(cc.labels[0]).not.toBe(cc.labels[7]);
  });

  it('treats every nonzero byte as foreground, from a Buffer or a Uint8ClampedArray', async () => {
    const values = Uint8Array.of(255, 7, 0, 0, 0, 0, 0, 1);
    for (const mask of [Buffer.from(values), new Uint8ClampedArray(values)]) {
      const cc = await connectedComponents(mask, 4, 2);
      expect(cc.count).toBe(2);
      expect(Array.from(cc.areas)).toEqual([2, 2, 0, 0, 0, 0, 0, 1]);
    }
  });

  it.each([
    [1, 1],
    [7, 5],
    [33, 17],
    [1, 40],
    [64, 64],
  ])('matches a flood fill on random %ix%i masks, odd sizes included', async (width, height) => {
    for (const [density, seed] of [
      [0.3, 1],
      [0.5, 2],
      [0.7, 3],
    ]) {
      const mask = randomMask(width * height, density, seed + width * 1000 + height);
      expectMatchesReference(await connectedComponents(mask, width, height), mask, width, height);
    }
  });
});
