import { Schema, type Types } from 'mongoose';
import { ownerSchema, type OwnerFields } from './user-meta-schema';
import { PLATFORM_SCHEMA_OPTIONS } from './platform-schema-options';

/** An account (SPEC §1); `owner` is the copy owner-sync keeps equal to `Owner(U)`. */
export interface AccountFields {
  _id: Types.ObjectId;
  owner?: OwnerFields | null;
}

export const accountSchema = new Schema<AccountFields>(
  { owner: { type: ownerSchema } },
  PLATFORM_SCHEMA_OPTIONS,
);
