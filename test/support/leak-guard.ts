/**
 * Fails a test that leaves a connection, queue, worker, change stream or child process open (graphile-worker's
 * afterEach guard). Support modules track what they hand out; tests track what they open themselves; an
 * `afterEach`/`afterAll` calls `assertNothingLeaked()`. A leak left for the next test shows up there as a
 * hang or a flaky failure far from its cause; here it fails where it happened, with its label.
 */
import type { ChildProcess } from 'node:child_process';

interface Tracked {
  kind: string;
  label: string;
  isOpen(): boolean;
  /** Lets asynchronous closes that already began finish before judging. */
  settle?(): Promise<void>;
}

const tracked = new Set<Tracked>();

function track<T>(
  resource: T,
  kind: string,
  label: string,
  isOpen: () => boolean,
  settle?: () => Promise<void>,
): T {
  tracked.add({ kind, label, isOpen, settle });
  return resource;
}

/** A native driver client: open from `connect()` until `close()`. */
export function trackMongoClient<T extends object>(client: T, label = 'MongoClient'): T {
  // The driver keeps no public "closed" flag; its topology exists exactly while the client is connected.
  return track(client, 'MongoClient', label, () => (client as { topology?: unknown }).topology !== undefined);
}

/** A mongoose connection (what `connectMongo` returns): open until its readyState is disconnected. */
export function trackMongooseConnection<T extends { readyState: number }>(
  connection: T,
  label = 'mongoose',
): T {
  // 0 = disconnected, 99 = uninitialized.
  return track(connection, 'mongoose connection', label, () => ![0, 99].includes(connection.readyState));
}

/** A BullMQ Queue, Worker, QueueEvents or FlowProducer: open until `close()` was called and finished. */
export function trackBullmq<T extends { closing: Promise<void> | undefined; name?: string }>(
  instance: T,
  label = instance.name ?? 'bullmq',
): T {
  let closed = false;
  return track(
    instance,
    instance.constructor.name,
    label,
    () => !closed,
    async () => {
      if (instance.closing === undefined) return;
      const settled = instance.closing.then(
        () => void (closed = true),
        () => void (closed = true),
      );
      await waitFor(done => void settled.then(done), 200);
    },
  );
}

/** A change stream (driver or mongoose): open until closed. */
export function trackChangeStream<T extends { closed: boolean }>(stream: T, label = 'change stream'): T {
  return track(stream, 'change stream', label, () => !stream.closed);
}

/** An ioredis connection: open until `quit()`/`disconnect()` ended it. */
export function trackRedis<T extends { status: string; once(event: 'end', listener: () => void): unknown }>(
  redis: T,
  label = 'ioredis',
): T {
  return track(
    redis,
    'ioredis',
    label,
    () => redis.status !== 'end',
    // quit() resolves on the server's OK; the socket closes (status 'end') a moment later.
    () => (redis.status === 'end' ? Promise.resolve() : waitFor(done => redis.once('end', done), 200)),
  );
}

/** A spawned process: open until it exited. */
export function trackChildProcess<T extends ChildProcess>(child: T, label = `pid ${child.pid}`): T {
  return track(child, 'child process', label, () => child.exitCode === null && child.signalCode === null);
}

/** Anything else with a test of its own. */
export function trackResource<T>(resource: T, kind: string, label: string, isOpen: () => boolean): T {
  return track(resource, kind, label, isOpen);
}

/** Resolves when `subscribe`'s callback runs or after `ms`, whichever is first. */
function waitFor(subscribe: (done: () => void) => void, ms: number): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, ms);
    subscribe(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** What is still open right now. */
export function openResources(): string[] {
  return [...tracked].filter(resource => resource.isOpen()).map(({ kind, label }) => `${kind} (${label})`);
}

/**
 * Throws listing everything tracked that is still open; forgets what was released. Leaked resources are
 * forgotten too once reported, so one leak fails one test, not every test after it. Closes that already
 * began (BullMQ's are asynchronous) get a moment to finish before judging.
 */
export async function assertNothingLeaked(): Promise<void> {
  await Promise.all([...tracked].map(resource => resource.settle?.()));
  const open = openResources();
  tracked.clear();
  if (open.length > 0) {
    throw new Error(
      `Test left ${open.length} resource(s) open:\n${open.map(item => `  - ${item}`).join('\n')}`,
    );
  }
}
