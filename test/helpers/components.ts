/** Plain flood-fill 8-connected component areas: the reference the native labelling is checked against. */
export function referenceAreas(
  mask: Uint8Array,
  width: number,
  height: number,
): { component: Int32Array; areas: Int32Array } {
  const component = new Int32Array(mask.length).fill(-1);
  const areas = new Int32Array(mask.length);
  const stack: number[] = [];
  let next = 0;
  for (let seed = 0; seed < mask.length; seed++) {
    if (!mask[seed] || component[seed] >= 0) continue;
    const members: number[] = [];
    component[seed] = next;
    stack.push(seed);
    while (stack.length) {
      const p = stack.pop() as number;
      members.push(p);
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const q = ny * width + nx;
          if (mask[q] && component[q] < 0) {
            component[q] = next;
            stack.push(q);
          }
        }
      }
    }
    for (const p of members) areas[p] = members.length;
    next++;
  }
  return { component, areas };
}

/** Deterministic pseudo-random bytes (mulberry32). */
export function randomMask(length: number, density: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Uint8Array.from({ length }, () => (random() < density ? 1 : 0));
}
