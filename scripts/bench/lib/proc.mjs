// CPU time and memory of processes, read from /proc (Linux): what the servers really spent, whatever
// else the machine was running at the time.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux architecture Node supports

/** utime + stime of one process (all its threads), in seconds; 0 when it is gone. */
export function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime (fields 14, 15)
  } catch {
    return 0;
  }
}

function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** `root` and all its descendants (a cluster primary and its serve processes). */
export function processTree(root) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(entry);
    if (parent === undefined) continue;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(Number(entry));
  }
  const tree = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift();
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** A snapshot of the CPU seconds of each process of a tree; `since` gives what they spent after it. */
export class CpuMeter {
  constructor(rootPids) {
    this.rootPids = rootPids;
    this.start = this.#read();
  }

  #read() {
    const seconds = new Map();
    for (const root of this.rootPids) {
      for (const pid of processTree(root)) seconds.set(pid, cpuSecondsOf(pid));
    }
    return seconds;
  }

  /** CPU seconds spent by the tree since the meter was made (processes that appeared count from 0). */
  elapsed() {
    let total = 0;
    for (const [pid, seconds] of this.#read()) total += seconds - (this.start.get(pid) ?? 0);
    return total;
  }
}

/** Resident set size of one process in MiB (VmRSS). */
export function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}
