import { Schema, type Types } from 'mongoose';
import { PLATFORM_SCHEMA_OPTIONS } from './platform-schema-options';

/** A CRM contact (SPEC §1); the account's `type: 'business'` contacts carry the owner's email. */
export interface ContactFields {
  _id: Types.ObjectId;
  account?: Types.ObjectId;
  type?: string;
  email?: string;
}

export const contactSchema = new Schema<ContactFields>(
  {
    account: { type: Schema.Types.ObjectId },
    type: { type: String },
    email: { type: String },
  },
  PLATFORM_SCHEMA_OPTIONS,
);
// owner-sync updates an account's business contacts.
contactSchema.index({ account: 1, type: 1 });
