/**
 * Processes as the kernel sees them (Linux /proc): which belong to a process group, and which still run.
 * Used to prove that a Ctrl-C left nothing behind, including children a command started on its own.
 */
import { readdirSync, readFileSync } from 'node:fs';

interface ProcStat {
  state: string;
  pgrp: number;
}

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces and parentheses. */
function statOf(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, pgrp: Number(pgrp) };
  } catch {
    return undefined;
  }
}

/** Every live process whose process group is `pgid`. */
export function processGroupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter(name => /^\d+$/.test(name))
    .map(Number)
    .filter(pid => {
      const stat = statOf(pid);
      return stat !== undefined && stat.pgrp === pgid && stat.state !== 'Z';
    });
}

/** Signal 0 reaches it, and it is not a zombie waiting for a parent to reap it (it has stopped running). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return statOf(pid)?.state !== 'Z';
}
