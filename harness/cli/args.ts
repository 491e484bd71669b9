// The argument reader shared by the harness's commands (test, grade, mutants, check, lint, the
// crash runner). Strict: a flag a command does not know, a value given to a switch, or a word
// where the command takes none is refused with the command's usage line, never ignored —
// `npm run grade -- --stage 03` grading every stage without a word was worse than an error.

export interface ParsedArgs {
  words: string[];
  flags: Map<string, string | true>;
}

export interface CommandLine {
  /** The one-line synopsis printed under every refusal, e.g. "npm run grade -- [--json FILE] …". */
  usage: string;
  /** Flags that take a value: `--name value` or `--name=value`. */
  values: readonly string[];
  /** Flags that take none (--help is always one). */
  switches: readonly string[];
  /** Whether the command takes words (npm test's stage); refused otherwise. */
  words?: boolean;
}

export class UsageError extends Error {
  /** The usage line of the command that refused, printed after the message. */
  usage: string | undefined;

  constructor(message: string, usage?: string) {
    super(message);
    this.usage = usage;
  }
}

export function parseArgs(argv: readonly string[], command: CommandLine): ParsedArgs {
  const refuse = (message: string) => new UsageError(`${message} (--help lists the options)`, command.usage);
  const words: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      if (command.words !== true) throw refuse(`unexpected argument "${arg}"`);
      words.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw refuse(`unknown option ${arg}`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (command.values.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw refuse(`--${name} needs a value`);
      flags.set(name, value);
    } else if (command.switches.includes(name) || name === 'help') {
      if (inline !== undefined) throw refuse(`--${name} takes no value`);
      flags.set(name, true);
    } else {
      throw refuse(`unknown flag --${name}`);
    }
  }
  return { words, flags };
}

/** The --seed flag; then, when `fromEnv`, KATA_SEED; then the fallback. */
export function seedFlag(flags: Map<string, string | true>, fallback: () => number, fromEnv = true): number {
  const text = flags.get('seed') ?? (fromEnv ? process.env.KATA_SEED : undefined);
  if (text === undefined || text === true || text === '') return fallback();
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`the seed must be a whole number, got "${text}"`);
  return seed;
}

/** Runs a command's main, turning a UsageError into a message, the usage line and exit code 2. */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`error: ${error.message}`);
        if (error.usage !== undefined) console.error(`usage: ${error.usage}`);
        process.exitCode = 2;
      } else {
        console.error(error);
        process.exitCode = 1;
      }
    },
  );
}
