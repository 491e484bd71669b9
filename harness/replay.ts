// Replay points: the numbered checks of a test that loops over crash points or faults. A test
// that cuts the power before every step, or injects EIO at every step, checks dozens of
// scenarios under one id; when one fails, the failure names its point and the replay line
// (KATA_POINT=N with --only ID) runs that point alone, with the same seed and the same disk.
//
// rule() and property() (kata.ts) start each test here; the crash and fault helpers
// (crash-points.ts, fault loops in tests) call `replayPoint` once per scenario, in an order
// fixed by the test's own seed. KATA_POINT is read once, when this module loads, before any
// code under test runs, and applies only to the test named by --only (KATA_ONLY).

const REPLAY = Object.freeze({ only: process.env.KATA_ONLY, point: readPoint(process.env.KATA_POINT) });

function readPoint(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const point = Number(text);
  if (!Number.isSafeInteger(point) || point < 1) throw new Error(`KATA_POINT must be a whole number from 1, got "${text}"`);
  return point;
}

interface Current {
  id: string;
  /** Points started so far: the number of the one running. */
  count: number;
  /** What the running point is, for the failure: "power cut at step 4 of 9, mode 'torn', disk seed 5". */
  label: string;
  /** Whether the last point started runs (false: a replay of another point skipped it). */
  running: boolean;
}

let current: Current | undefined;

/** kata.ts, when a test starts. */
export function beginTest(id: string): void {
  current = { id, count: 0, label: '', running: false };
}

/** The point to replay alone in the running test, if this run is a replay of it. */
function replayed(): number | undefined {
  return current !== undefined && REPLAY.only === current.id ? REPLAY.point : undefined;
}

/**
 * Starts the next point of the running test; false when a replay skips it (the caller moves on
 * to the next scenario without running this one). `label` says what the point is.
 */
export function replayPoint(label: string): boolean {
  if (current === undefined) return true; // outside a kata test (the harness's own tests)
  current.count++;
  current.label = label;
  const only = replayed();
  current.running = only === undefined || only === current.count;
  return current.running;
}

/** Says more about the running point once it is known (the step a power cut landed on). */
export function labelPoint(label: string): void {
  if (current !== undefined) current.label = label;
}

/** The running point, for a failure: its number and label; undefined when the test has none. */
export function failedPoint(): { point: number; label: string } | undefined {
  return current === undefined || !current.running ? undefined : { point: current.count, label: current.label };
}

/** kata.ts, when a test ends without failing: a replay whose point never came is not a pass. */
export function checkReplayReached(): void {
  const only = replayed();
  if (only !== undefined && current!.count < only) {
    throw new Error(`KATA_POINT=${only}, but this test has ${current!.count} point(s): the replay line belongs to another version of the test or of the code`);
  }
}
