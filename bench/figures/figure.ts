// One figure of a chapter: a name to ask for it by, what it measures, and the run that prints it.

export interface Figure {
  name: string;
  /** One line: what it measures, and on what (the simulated disk, or the real one). */
  what: string;
  run(): Promise<void>;
}

/** A seeded random number generator (mulberry32): the same seed gives the same figure. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A whole number with thousands separators: 2,137. */
export const n = (value: number) => value.toLocaleString('en-US');

/** A table of rows, columns padded to line up. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('   ').trimEnd()).join('\n');
}
