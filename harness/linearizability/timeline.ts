// formatTimeline: draws operations as boxes on one row per client, left to right in real time,
// e.g. "client 1  |--put x=1--|". Columns keep real-time order: a box that returned before
// another was called ends left of where that one starts; an unknown outcome ends in "--?".

import { failed, label, uncertain } from './prepare.ts';
import type { Operation } from './types.ts';

interface Box {
  op: Operation;
  text: string;
  start: number;
  /** Column of the closing '|'; Infinity for an operation that never returned. */
  end: number;
}

const retOf = (op: Operation): number => (uncertain(op) && !failed(op) ? Infinity : (op.return ?? Infinity));

/** The operations drawn as a timeline, one row per client (more if a client's operations overlap). */
export function formatTimeline(ops: readonly Operation[]): string {
  if (ops.length === 0) return '(no operations)';
  const texts = new Map<Operation, string>();
  for (const op of ops) {
    const suffix = failed(op) ? ' ✗' : '';
    texts.set(op, `|--${label(op)}${suffix}--${retOf(op) === Infinity ? '?' : '|'}`);
  }
  // Event groups in time order (at equal times calls first); each group gets one column, far
  // enough right that every box ending there fits its text.
  const events: { time: number; call: boolean; op: Operation }[] = [];
  for (const op of ops) {
    events.push({ time: op.call, call: true, op });
    if (retOf(op) !== Infinity) events.push({ time: retOf(op), call: false, op });
  }
  events.sort((a, b) => a.time - b.time || Number(b.call) - Number(a.call));
  const start = new Map<Operation, number>();
  const end = new Map<Operation, number>();
  let column = -2;
  let previous: { time: number; call: boolean } | null = null;
  for (let i = 0; i < events.length; ) {
    const group = { time: events[i]!.time, call: events[i]!.call };
    let j = i;
    while (j < events.length && events[j]!.time === group.time && events[j]!.call === group.call) j++;
    // A call after a return leaves one blank column, so boxes that do not overlap do not touch.
    let at = column + (previous !== null && !previous.call && group.call ? 2 : 1);
    if (previous === null) at = 0;
    for (let k = i; k < j; k++) {
      const { op } = events[k]!;
      if (!group.call) at = Math.max(at, start.get(op)! + texts.get(op)!.length - 1);
    }
    for (let k = i; k < j; k++) (group.call ? start : end).set(events[k]!.op, at);
    column = at;
    previous = group;
    i = j;
  }
  // Rows: per client in order, each box in the first of its client's rows where it fits.
  const clients = [...new Set(ops.map((op) => op.client))].sort((a, b) => a - b);
  const name = (c: number): string => `client ${c}`;
  const width = Math.max(...clients.map((c) => name(c).length)) + 2;
  const lines: string[] = [];
  for (const client of clients) {
    const mine = ops.filter((op) => op.client === client).sort((a, b) => a.call - b.call || a.id - b.id);
    const rows: Box[][] = [];
    for (const op of mine) {
      const text = texts.get(op)!;
      const box: Box = { op, text, start: start.get(op)!, end: end.get(op) ?? Infinity };
      const row = rows.find((r) => {
        const last = r[r.length - 1]!;
        return Math.max(last.end, last.start + last.text.length - 1) < box.start - 1;
      });
      if (row === undefined) rows.push([box]);
      else row.push(box);
    }
    rows.forEach((row, i) => lines.push((i === 0 ? name(client) : '').padEnd(width) + drawRow(row)));
  }
  return lines.join('\n');
}

function drawRow(row: readonly Box[]): string {
  let line = '';
  for (const box of row) {
    line = line.padEnd(box.start);
    if (box.end === Infinity) line += box.text;
    else line += box.text.slice(0, -3).padEnd(box.end - box.start - 2, '-') + '--|';
  }
  return line.trimEnd();
}
