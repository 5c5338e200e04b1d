/**
 * Options shared by every schema of a platform collection. These documents belong to the platform, which
 * knows more fields than we do: `strict: false` keeps them, no version key is added to documents we did not
 * create, and indexes are created on purpose by `ensureIndexes`, never as a side effect of connecting.
 */
import type { SchemaOptions } from 'mongoose';

export const PLATFORM_SCHEMA_OPTIONS = {
  strict: false,
  strictQuery: false,
  versionKey: false,
  autoIndex: false,
  autoCreate: false,
} as const satisfies SchemaOptions;
