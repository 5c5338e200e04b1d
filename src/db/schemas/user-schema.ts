import { Schema, type Types } from 'mongoose';
import { PLATFORM_SCHEMA_OPTIONS } from './platform-schema-options';

/** A platform user (SPEC §1): the source every derived copy is computed from. */
export interface UserFields {
  _id: Types.ObjectId;
  account?: Types.ObjectId;
  is_owner?: boolean;
  name?: unknown;
  email?: string;
  phone?: string | null;
  image?: string | null;
  clerk_id?: string;
}

export const userSchema = new Schema<UserFields>(
  {
    account: { type: Schema.Types.ObjectId },
    is_owner: { type: Boolean },
    // A string on most platforms, `{first, last}` on some: stored as given.
    name: { type: Schema.Types.Mixed },
    email: { type: String },
    phone: { type: String },
    image: { type: String },
    clerk_id: { type: String },
  },
  PLATFORM_SCHEMA_OPTIONS,
);
// owner-sync looks up an account's owner.
userSchema.index({ account: 1, is_owner: 1 });
// identity-sync matches the provider's users by their id (SPEC §7). Sparse: most platform users have none,
// and a sparse index (unlike a partial one) is what MongoDB uses for a plain `{clerk_id: "user_..."}` query.
userSchema.index({ clerk_id: 1 }, { unique: true, sparse: true });
