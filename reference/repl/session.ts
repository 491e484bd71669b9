// A REPL session: takes one line, answers with output lines. No terminal, no streams, so
// tests drive it directly; stream.ts wires it to stdin and stdout.

import type { SessionOptions as ProtocolSessionOptions } from '../../stages/01-repl/contract.ts';
import type { KvStore } from '../../stages/02-ordered-map/contract.ts';
import type { Transaction } from '../../stages/07-transactions/contract.ts';
import { KvError } from '../core/errors.ts';
import { type Command, ParseError } from './command.ts';
import { formatKey, formatValue } from './format.ts';
import { HELP_LINES } from './help.ts';
import { parseCommand } from './parse.ts';
import { rangeToScanOptions } from './range.ts';

/** What the session needs of a store: the stage 02 contract, and what later stores add. */
export interface KeyValueStore extends KvStore {
  /** Stage 04 on. */
  compact?(): Promise<void>;
  /** Stage 04 on: figures about the files behind the store (nested objects and lists allowed). */
  stats?(): Promise<object>;
  /** Stage 05 on: make every write so far durable. */
  flush?(): Promise<void>;
  checkpoint?(): Promise<void>;
  /** Stage 07 on. */
  begin?(): Transaction;
}

/** Stage 01's options (`timings`: append the time each store command took, off in tests), and: */
export interface SessionOptions extends ProtocolSessionOptions {
  /** Accept the reference's commands beyond stage 01 (compact, stats, flush, checkpoint). Default true. */
  extensions?: boolean;
}

interface Answer {
  lines: string[];
  /** Set for scan and count: the number of keys, shown in a closing summary line. */
  count?: number;
}

export class Session {
  private isClosed = false;
  /** The transaction BEGIN opened: reads and writes go to it until COMMIT or ROLLBACK. */
  private transaction: Transaction | undefined;

  constructor(
    private readonly store: KeyValueStore,
    private readonly options: SessionOptions = {},
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Rolls back the transaction BEGIN opened, if one is still open: for a caller that ends the
   * session (end of input, exit, a signal) and must say that staged writes were dropped.
   * Answers whether there was one.
   */
  async abandonTransaction(): Promise<boolean> {
    const open = this.transaction;
    if (open === undefined) return false;
    this.transaction = undefined;
    await open.rollback();
    return true;
  }

  async execute(line: string): Promise<string[]> {
    if (this.isClosed) return ['ERR the session is closed'];
    const started = performance.now();
    try {
      const command = parseCommand(line, this.options.extensions !== false);
      // A staged write touches no disk: "OK (staged)" says it all, without a time.
      const staged = this.transaction !== undefined && (command.kind === 'put' || command.kind === 'del');
      const answer = await this.run(command);
      const timed = this.options.timings === true && isStoreCommand(command) && !staged;
      return finish(answer, timed ? performance.now() - started : undefined);
    } catch (error) {
      if (error instanceof ParseError) return [`ERR column ${error.column}: ${error.message}`];
      if (error instanceof KvError) return [`ERR ${error.message}`];
      return [`ERR internal error: ${error instanceof Error ? error.message : String(error)}`];
    }
  }

  private async run(command: Command): Promise<Answer> {
    switch (command.kind) {
      case 'put':
        await this.target.put(command.key, command.value);
        return { lines: [this.transaction === undefined ? 'OK' : 'OK (staged)'] };
      case 'get': {
        const value = await this.target.get(command.key);
        return { lines: [value === undefined ? '(not found)' : formatValue(value)] };
      }
      case 'del':
        await this.target.delete(command.key);
        return { lines: [this.transaction === undefined ? 'OK' : 'OK (staged)'] };
      case 'scan': {
        const lines: string[] = [];
        for await (const entry of this.target.scan(rangeToScanOptions(command.range))) {
          lines.push(`${formatKey(entry.key)} ${formatValue(entry.value)}`);
        }
        return { lines, count: lines.length };
      }
      case 'count': {
        // Through the transaction, as scan: it sees the staged writes, and under serializable
        // it is a range read that a conflicting commit must invalidate.
        let count = 0;
        for await (const _ of this.target.scan(rangeToScanOptions(command.range))) count++;
        return { lines: [String(count)] };
      }
      case 'help':
        return { lines: HELP_LINES };
      case 'exit':
        this.isClosed = true;
        return { lines: ['Bye'] };
      case 'begin':
      case 'commit':
      case 'rollback':
        return this.transactionCommand(command.kind);
      case 'compact': {
        if (this.store.compact === undefined) return { lines: ['ERR compact needs a store with a log (stage 04)'] };
        await this.store.compact();
        return { lines: ['OK'] };
      }
      case 'stats': {
        if (this.store.stats === undefined) return { lines: ['ERR stats needs a store with files (stage 04)'] };
        return { lines: statsLines(await this.store.stats()) };
      }
      case 'flush': {
        if (this.store.flush === undefined) return { lines: ['ERR flush needs an on-disk index (stage 05); this store makes each write durable itself'] };
        await this.store.flush();
        return { lines: ['OK'] };
      }
      case 'checkpoint': {
        if (this.store.checkpoint === undefined) return { lines: ['ERR checkpoint needs a write-ahead log (stage 06): start with --engine lsm or btree'] };
        await this.store.checkpoint();
        return { lines: ['OK'] };
      }
      case 'empty':
        return { lines: [] };
    }
  }

  /** Reads and writes go to the open transaction, if any. */
  private get target(): KeyValueStore | Transaction {
    return this.transaction ?? this.store;
  }

  private async transactionCommand(kind: 'begin' | 'commit' | 'rollback'): Promise<Answer> {
    if (this.store.begin === undefined) return { lines: [`ERR ${kind.toUpperCase()} is not available until stage 07 (transactions)`] };
    const open = this.transaction;
    if (kind === 'begin') {
      if (open !== undefined) return { lines: ['ERR a transaction is already open: COMMIT or ROLLBACK it first'] };
      this.transaction = this.store.begin();
      return { lines: ['Transaction started'] };
    }
    if (open === undefined) return { lines: [`ERR no transaction is open: BEGIN one first`] };
    this.transaction = undefined;
    try {
      await (kind === 'commit' ? open.commit() : open.rollback());
    } catch (error) {
      if (error instanceof KvError && error.code === 'CONFLICT') return { lines: [`ERR CONFLICT: ${error.message}`] };
      throw error;
    }
    // COMMIT says OK as every durable write does (and is timed); ROLLBACK touched no disk.
    return { lines: [kind === 'commit' ? 'OK' : 'Transaction rolled back'] };
  }
}

function isStoreCommand(command: Command): boolean {
  return ['put', 'get', 'del', 'scan', 'count', 'compact', 'flush', 'checkpoint', 'commit'].includes(command.kind);
}

/**
 * Stats as "name: value" lines; a list of files as one line per file, nested objects flattened.
 * An empty value or list (an LSM tree's levels before its first table) reads "(none yet)".
 */
function statsLines(stats: object, prefix = ''): string[] {
  return Object.entries(stats).flatMap(([name, value]): string[] => {
    if (value === '' || (Array.isArray(value) && value.length === 0)) return [`${prefix}${name}: (none yet)`];
    if (Array.isArray(value)) {
      return value.map((item: unknown) =>
        typeof item === 'object' && item !== null ? `${prefix}${name}: ${Object.values(item).join(' ')}` : `${prefix}${name}: ${String(item)}`,
      );
    }
    if (typeof value === 'object' && value !== null) return statsLines(value, `${prefix}${name}.`);
    return [`${prefix}${name}: ${String(value)}`];
  });
}

/** Adds the summary line of a scan and, when timed, the elapsed time to the last line. */
function finish(answer: Answer, elapsedMs: number | undefined): string[] {
  const lines = [...answer.lines];
  const time = elapsedMs === undefined ? undefined : formatMs(elapsedMs);
  if (answer.count !== undefined) {
    const summary = `${answer.count} ${answer.count === 1 ? 'key' : 'keys'}`;
    lines.push(time === undefined ? `(${summary})` : `(${summary}, ${time})`);
  } else if (time !== undefined && lines.length > 0) {
    lines[lines.length - 1] += ` (${time})`;
  }
  return lines;
}

/** Two significant digits, as in 0.1ms, 0.02ms, 14ms. */
export function formatMs(ms: number): string {
  return `${Number(ms.toPrecision(2))}ms`;
}
