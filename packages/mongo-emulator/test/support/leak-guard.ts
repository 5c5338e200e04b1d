/**
 * Fails a test that leaves a connection or change stream open (graphile-worker's afterEach guard). Support modules track what they hand out; tests track what they open themselves; an
 * `afterEach`/`afterAll` calls `assertNothingLeaked()`. A leak left for the next test shows up there as a
 * hang or a flaky failure far from its cause; here it fails where it happened, with its label.
 */
interface Tracked {
  kind: string;
  label: string;
  isOpen(): boolean;
}

const tracked = new Set<Tracked>();

function track<T>(resource: T, kind: string, label: string, isOpen: () => boolean): T {
  tracked.add({ kind, label, isOpen });
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

/** A change stream (driver or mongoose): open until closed. */
export function trackChangeStream<T extends { closed: boolean }>(stream: T, label = 'change stream'): T {
  return track(stream, 'change stream', label, () => !stream.closed);
}

/** Anything else with a test of its own. */
export function trackResource<T>(resource: T, kind: string, label: string, isOpen: () => boolean): T {
  return track(resource, kind, label, isOpen);
}

/** What is still open right now. */
export function openResources(): string[] {
  return [...tracked].filter(resource => resource.isOpen()).map(({ kind, label }) => `${kind} (${label})`);
}

/**
 * Throws listing everything tracked that is still open; forgets what was released. Leaked resources are
 * forgotten too once reported, so one leak fails one test, not every test after it.
 */
export async function assertNothingLeaked(): Promise<void> {
  const open = openResources();
  tracked.clear();
  if (open.length > 0) {
    throw new Error(
      `Test left ${open.length} resource(s) open:\n${open.map(item => `  - ${item}`).join('\n')}`,
    );
  }
}
