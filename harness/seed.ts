// Seeds for random tests. One seed per run (KATA_SEED, or a fresh one the test command picks
// and prints); each property derives its own seed from it and its test id, so replaying one
// test with --only gives it exactly the seed it had in the full run.
//
// The seed is read once, when this module loads, before any code under test runs: learner
// code cannot change the cases it is tested on by setting KATA_SEED.

function readRunSeed(): number {
  const text = process.env.KATA_SEED;
  if (text !== undefined && text !== '') {
    const seed = Number(text);
    if (!Number.isSafeInteger(seed)) throw new Error(`KATA_SEED must be a whole number, got "${text}"`);
    return seed;
  }
  const seed = Math.floor(Math.random() * 2 ** 31);
  process.env.KATA_SEED = String(seed);
  return seed;
}

const RUN_SEED = readRunSeed();

export function runSeed(): number {
  return RUN_SEED;
}

/** FNV-1a over the run seed and the test id: a stable 32-bit seed per test. */
export function testSeed(id: string, run = RUN_SEED): number {
  let hash = 0x811c9dc5;
  for (const ch of `${run}:${id}`) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash | 0;
}
