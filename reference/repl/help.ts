// The text of the REPL's help command: the protocol at a glance.

export const HELP_LINES = [
  'Commands (names are case-insensitive):',
  '  put KEY VALUE    store VALUE under KEY; VALUE is the rest of the line, kept as typed',
  '  get KEY          print the value of KEY, or (not found)',
  '  del KEY          remove KEY (delete works too)',
  '  scan [RANGE]     list keys and values in byte order, one "KEY VALUE" per line',
  '  count [RANGE]    count the keys in RANGE',
  '  RANGE is any of: prefix P, from K (>=), after K (>), to K (<=), before K (<), limit N, reverse',
  '  BEGIN, COMMIT, ROLLBACK   transactions (stage 07)',
  '  compact          rewrite the log without its garbage (stores with a log, stage 04)',
  '  stats            the store\'s files and sizes, memory, and engine figures',
  '  flush            make every write made so far durable (one fsync of the log; --no-wal: of the index)',
  '  checkpoint       make the index durable and empty the write-ahead log (stage 06)',
  '  help             this list',
  '  exit             leave (quit works too)',
  'Quote a key or value with "..." to hold spaces; escapes: \\" \\\\ \\n \\r \\t \\0 \\xHH (one byte).',
  'Lines that start with # are comments.',
];
