import { readdirSync, readFileSync } from 'node:fs';

// Linux reports utime/stime in clock ticks; USER_HZ is 100 on every mainstream build.
const TICK_US = 10_000;

/**
 * CPU time (µs) used so far by the live processes whose command name is `name`, read from
 * /proc; undefined where there is no /proc (not Linux) or no such process (a remote server).
 * A benchmark samples it before and after its measured window to report the CPU a local
 * server spent on the work — on a 2-core machine that is half of the budget.
 */
export function localProcessCpuUs(name: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  let total = 0;
  let found = false;
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const parsed = parseStat(stat);
    if (parsed.name !== name) continue;
    total += parsed.cpuUs;
    found = true;
  }
  return found ? total : undefined;
}

/** CPU time (µs) used so far by the live process `pid`; undefined once it is gone (or no /proc). */
export function processCpuUs(pid: number): number | undefined {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).cpuUs;
  } catch {
    return undefined;
  }
}

/** A /proc/<pid>/stat line's command name and CPU time (user + system, µs). */
function parseStat(stat: string): { name: string; cpuUs: number } {
  // "pid (comm) state ppid ..." — comm may hold spaces and parentheses: split at the last ")".
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // Fields 14 and 15 of the full line (utime, stime) are 12 and 13 after "pid (comm) ".
  return {
    name: stat.slice(open + 1, close),
    cpuUs: (Number(fields[11]) + Number(fields[12])) * TICK_US,
  };
}

/** CPU spent since a meter started: `perUnit(n)` is the µs per unit of work (rounded). */
export interface CpuMeter {
  perUnit(units: number): number | null;
}

/**
 * Starts counting the CPU of the local processes named `name`; `perUnit` is null where
 * `localProcessCpuUs` finds nothing (a remote server).
 */
export function localCpuMeter(name: string): CpuMeter {
  return cpuMeter(() => localProcessCpuUs(name));
}

/** Starts counting the CPU of the process `pid`; `perUnit` is null once it is gone. */
export function processCpuMeter(pid: number): CpuMeter {
  return cpuMeter(() => processCpuUs(pid));
}

function cpuMeter(read: () => number | undefined): CpuMeter {
  const before = read();
  return {
    perUnit(units) {
      const after = read();
      return before !== undefined && after !== undefined
        ? Math.round((after - before) / units)
        : null;
    },
  };
}
