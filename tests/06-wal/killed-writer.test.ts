// Stage 06: a log left behind by a killed process. kill -9 keeps what the process wrote in the
// page cache, synced or not, so the next process reads the whole log and replays it. If it
// does not sync the log before it replays it, the index can write that replayed state to disk
// while the log's tail is still only in the page cache, and a power cut then takes the tail
// from the log alone: the index is left ahead of the log, in a state no store ever held.

import { failure } from '../../harness/assert.ts';
import { b, contents, DIR, History, KiB, powerCut, reopen, rule, simDisk } from './setup.ts';

rule('06-K04', 'the log a killed process left unsynced is synced before a record of it is replayed: a power cut after the reopen cannot leave the index ahead of the log', 'Recovery', async (stage) => {
  const disk = simDisk();
  const writer = disk.spawnProcess(); // a process of its own, so that it can be killed as kill -9 kills
  // A large budget: the writer's index never writes to disk, so nothing makes it sync its log.
  const first = await stage.openStore({ dir: DIR, fs: writer, paranoid: false, memoryBudget: 1024 * KiB, checkpointBytes: 1024 * KiB, sync: 'window', syncWindowMs: 60_000 });
  const history = new History();
  await first.put(b('a'), b('old'));
  history.put('a', 'old');
  await first.flush();
  history.acknowledged();
  // The unsynced tail: `a` overwritten, then 300 new keys (about 33 KiB), written and never synced.
  await first.put(b('a'), b('new'));
  history.put('a', 'new');
  for (let i = 0; i < 300; i++) {
    const key = `tail:${String(i).padStart(3, '0')}`;
    const value = `written after a=new, ${i}`.padEnd(100, '.');
    await first.put(b(key), b(value));
    history.put(key, value);
  }
  writer.kill();

  // The next process, with the usual 16 KiB budget: replaying 33 KiB, its index writes to disk as it goes.
  const story = "sync 'window' (syncWindowMs 60000, budget 1 MiB): put a=old, flush(), put a=new and 300 new keys (unsynced), kill -9 of that process, reopen (budget 16 KiB)";
  const second = await reopen(stage, disk, story);
  const seen = await contents(second);
  if (history.match(seen) !== history.latest) {
    throw failure(story, `  expected: every write, as the killed process left them (kill -9 keeps the page cache)\n${history.explain(seen)}`);
  }
  await powerCut(disk, 'durable', 10);
  const after = `${story}, power cut, reopen`;
  const found = await contents(await reopen(stage, disk, after));
  if (history.match(found) === -1) {
    throw failure(
      after,
      `${history.explain(found)}\n` +
        '  (did the reopen replay the log without syncing it first? Its tail was only in the page cache: the index wrote the replayed writes to disk, the power cut took them from the log, and replaying the older records over that index mixed old and new)',
    );
  }
});
