// A small argument reader shared by the harness's commands: flags with values, and words.

export interface ParsedArgs {
  words: string[];
  flags: Map<string, string | true>;
}

/** `--name value` and `--name=value` take a value when the flag is listed in `withValue`. */
export function parseArgs(argv: readonly string[], withValue: readonly string[]): ParsedArgs {
  const words: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (withValue.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else {
      flags.set(name, true);
    }
  }
  return { words, flags };
}

export class UsageError extends Error {}

/** The --seed flag; then, when `fromEnv`, KATA_SEED; then the fallback. */
export function seedFlag(flags: Map<string, string | true>, fallback: () => number, fromEnv = true): number {
  const text = flags.get('seed') ?? (fromEnv ? process.env.KATA_SEED : undefined);
  if (text === undefined || text === true || text === '') return fallback();
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`the seed must be a whole number, got "${text}"`);
  return seed;
}

/** Runs a command's main, turning a UsageError into a message and exit code 2. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`error: ${error.message}`);
        process.exitCode = 2;
      } else {
        console.error(error);
        process.exitCode = 1;
      }
    },
  );
}
