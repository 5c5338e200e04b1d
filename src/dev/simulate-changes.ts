/**
 * `dev --simulate`: keeps changing sample users, one every interval, in the ways the listener watches
 * (name, phone, image; now and then a phone removed, the case the seed's trigger missed). Each change flows
 * listener -> queues -> workers -> orders, tasks and, for an account owner, the account, so a newcomer
 * sees jobs on every queue of the dashboard.
 */
import type { Collection, Document, ObjectId } from 'mongodb';
import type { Logger } from '../logging/create-logger';

export interface SimulateChangesOptions {
  users: Collection<Document>;
  userIds: readonly ObjectId[];
  intervalMs: number;
  logger: Logger;
}

export interface Simulation {
  /** Changes made so far. */
  readonly changes: number;
  /** Stops after the change in flight, if any. Idempotent. */
  stop(): Promise<void>;
}

export function simulateChanges(options: SimulateChangesOptions): Simulation {
  const log = options.logger.child({ component: 'simulate' });
  let changes = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const tick = () => {
    inFlight = changeOne(changes)
      .then(() => void (changes += 1))
      .catch(error => log.warn({ err: error }, 'simulated change failed'));
  };
  const timer = setInterval(tick, options.intervalMs);

  async function changeOne(n: number): Promise<void> {
    const userId = options.userIds[n % options.userIds.length];
    const user = await options.users.findOne({ _id: userId }, { projection: { name: 1 } });
    if (user === null) return;
    const baseName = String(user.name).replace(/ \(v\d+\)$/, '');
    const version = Math.floor(n / options.userIds.length) + 1;
    const update: Document =
      n % 5 === 4
        ? { $unset: { phone: '' } }
        : {
            $set: {
              name: `${baseName} (v${version})`,
              phone: `+1 555 ${String(1000 + ((n * 37) % 9000))}`,
              image: `https://avatars.example/${userId.toHexString()}-v${version}.png`,
            },
          };
    await options.users.updateOne({ _id: userId }, update);
    log.info(
      { userId: userId.toHexString(), change: Object.keys(update)[0], n: n + 1 },
      'simulated a user change',
    );
  }

  let stopping: Promise<void> | undefined;
  return {
    get changes() {
      return changes;
    },
    stop: () => {
      stopping ??= (async () => {
        clearInterval(timer);
        await inFlight;
      })();
      return stopping;
    },
  };
}
