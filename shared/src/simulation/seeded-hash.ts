// Deterministic pseudo-random numbers from a seed and names: the same seed simulates the same fleet on every run.

/**
 * A number in [0, 1) fixed by the seed and the parts (FNV-1a over the text, then the mulberry32 finaliser). Keyed by names
 * rather than drawn in sequence, so adding a pump or a day never changes what another pump or day gets.
 */
export function seededUnit(seed: number, ...parts: (string | number)[]): number {
  const text = `${seed}|${parts.join('|')}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  let t = (h + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** mulberry32: a small seeded sequence in [0, 1), so a demo, a bench or a property test replays exactly from its seed. */
export function seededSequence(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
