/**
 * Loads the embedded MongoDB emulator, a development dependency: the production image is installed with
 * `npm ci --omit=dev` and does not contain it, so `dev` and `mongo-emulator` must say what to install there
 * instead of failing with a module-resolution stack trace.
 */
import type * as MongoEmulatorModule from '@user-sync/mongo-emulator';

export const MONGO_EMULATOR_PACKAGE = '@user-sync/mongo-emulator';

export const MONGO_EMULATOR_MISSING =
  `the embedded MongoDB emulator (${MONGO_EMULATOR_PACKAGE}) is not installed: it is a development ` +
  'dependency, so run `npm install` (without --omit=dev) and `npm run build` in a checkout of user-sync, ' +
  'or point MONGO_URL at a MongoDB replica set';

export class MongoEmulatorMissingError extends Error {
  override readonly name = 'MongoEmulatorMissingError';
  constructor(options?: ErrorOptions) {
    super(MONGO_EMULATOR_MISSING, options);
  }
}

export async function loadMongoEmulator(
  load: () => Promise<typeof MongoEmulatorModule> = () => import('@user-sync/mongo-emulator'),
): Promise<typeof MongoEmulatorModule> {
  try {
    return await load();
  } catch (error) {
    if (isModuleNotFound(error)) throw new MongoEmulatorMissingError({ cause: error });
    throw error;
  }
}

/** Resolution of the package itself failed (require and import say so with different codes). */
function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND';
}
