/**
 * The user copies embedded in other documents (SPEC §1): `UserMeta` in orders and tasks, `Owner` in
 * accounts. No `_id` of their own: they are values, replaced whole, and an `_id` would make two equal
 * copies compare unequal.
 */
import { Schema, type Types } from 'mongoose';

/** `{id, name, email, phone, image}`; `name` may be a sub-document on platforms with structured names. */
export interface UserMetaFields {
  id: Types.ObjectId;
  name: unknown;
  email: string;
  phone: string;
  image: string | null;
}

/** `{id, name, email, phone, avatar}`: the same user, as accounts name the picture. */
export interface OwnerFields {
  id: Types.ObjectId;
  name: unknown;
  email: string;
  phone: string;
  avatar: string | null;
}

// strict: false all the way down: the platform may add fields to these copies, and we never strip them.
const embedded = { _id: false, id: false, strict: false, versionKey: false } as const;

export const userMetaSchema = new Schema<UserMetaFields>(
  {
    id: { type: Schema.Types.ObjectId },
    name: { type: Schema.Types.Mixed },
    email: { type: String },
    phone: { type: String },
    image: { type: String },
  },
  embedded,
);

export const ownerSchema = new Schema<OwnerFields>(
  {
    id: { type: Schema.Types.ObjectId },
    name: { type: Schema.Types.Mixed },
    email: { type: String },
    phone: { type: String },
    avatar: { type: String },
  },
  embedded,
);
