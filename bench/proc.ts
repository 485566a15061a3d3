/**
 * What the benchmarks read from /proc (Linux): CPU time of a process, of its descendants and of the PostgreSQL
 * backends serving a database, the machine's busy time, peak memory. CPU figures say where a run spent the
 * machine, which the rates alone do not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (n: number, digits = 0) => Number(n.toFixed(digits));

export function procStatus(pid: number): Record<string, string> {
  try {
    return Object.fromEntries(
      readFileSync(`/proc/${pid}/status`, 'utf8')
        .split('\n')
        .map((l) => l.split(/:\s+/, 2) as [string, string]),
    );
  } catch {
    return {};
  }
}

/** Peak resident set size (VmHWM) in MiB; undefined if the process is gone. */
export function peakRssMiB(pid: number): number | undefined {
  const hwm = procStatus(pid).VmHWM;
  return hwm ? round(Number.parseInt(hwm, 10) / 1024, 1) : undefined;
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100 on Linux)
  } catch {
    return Number.NaN;
  }
}

/** The machine's CPU counters: busy and total jiffies over all cores. */
export function machineCpu(): { busy: number; total: number; irq: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  // irq + softirq: mostly the kernel moving loopback TCP traffic, charged to no process.
  return { busy: total - idle, total, irq: (v[5] ?? 0) + (v[6] ?? 0) };
}

/** CPU seconds used so far by each PostgreSQL backend serving the bench database (its process title names the database). */
export function postgresBackends(database: string): Map<number, number> {
  const found = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (title.includes(` ${database} `)) found.set(Number(entry), cpuSeconds(Number(entry)) || 0);
    } catch {
      // gone
    }
  }
  return found;
}

/** CPU seconds the bench database's backends used between two snapshots (backends that appeared count from zero). */
export function postgresCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}

/** How busy the machine is before the benchmark starts anything (other tenants, builds, tests). */
export async function backgroundLoad(ms: number): Promise<{ busy: number; loadavg: number[] }> {
  const m0 = machineCpu();
  await sleep(ms);
  const m1 = machineCpu();
  return { busy: round((m1.busy - m0.busy) / (m1.total - m0.total), 2), loadavg: os.loadavg().map((l) => round(l, 2)) };
}

/** A process and its descendants. */
export function processTree(rootPid: number): number[] {
  const queue = [rootPid];
  for (let i = 0; i < queue.length && i < 100; i++) {
    try {
      for (const tid of readdirSync(`/proc/${queue[i]}/task`)) {
        const kids = readFileSync(`/proc/${queue[i]}/task/${tid}/children`, 'utf8').trim();
        if (kids) queue.push(...kids.split(/\s+/).map(Number));
      }
    } catch {
      // gone
    }
  }
  return queue;
}

export function treeCpuSeconds(rootPid: number): number {
  return processTree(rootPid).reduce((sum, pid) => sum + (cpuSeconds(pid) || 0), 0);
}

/** The Casedesk node process under `npm start` (npm -> sh -> node). */
export function findDescendant(rootPid: number, match: (argv: string[]) => boolean): number | undefined {
  return processTree(rootPid).find((pid) => {
    try {
      return match(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean));
    } catch {
      return false;
    }
  });
}
