/**
 * What a Clerk user means for its users document (SPEC §7): the fields user-sync owns, and the update
 * that brings a stored document to them, writing only what differs.
 */
import { ObjectId, type Document } from 'mongodb';
import { bsonEqual } from '../sync/bson-equal';
import { displayName, type ClerkUser } from './clerk-event';

/** Fields set from the identity provider; `undefined` means "remove it" for phone and image. */
export interface IdentityFields {
  clerk_id: string;
  email: string;
  name: string | undefined;
  phone: string | undefined;
  image: string | undefined;
  clerk_updated_at: number;
  /** Left as they are when Clerk's public metadata does not carry them. */
  account?: ObjectId;
  is_owner?: boolean;
}

export function identityFields(user: ClerkUser): IdentityFields {
  const metadata = user.public_metadata ?? {};
  return {
    clerk_id: user.id,
    email: primaryEmail(user),
    name: displayName(user),
    phone: user.phone_numbers?.find(phone => phone.id === user.primary_phone_number_id)?.phone_number,
    image: nonEmpty(user.image_url),
    clerk_updated_at: user.updated_at,
    ...(typeof metadata.account_id === 'string' ? { account: new ObjectId(metadata.account_id) } : {}),
    ...(typeof metadata.is_owner === 'boolean' ? { is_owner: metadata.is_owner } : {}),
  };
}

/** The primary address, else the first verified one, else the first (SPEC §7). */
export function primaryEmail(user: Pick<ClerkUser, 'email_addresses' | 'primary_email_address_id'>): string {
  const addresses = user.email_addresses;
  const chosen =
    addresses.find(address => address.id === user.primary_email_address_id) ??
    addresses.find(address => address.verification?.status === 'verified') ??
    addresses[0];
  if (chosen === undefined) throw new Error('a Clerk user without an email address reached identityFields');
  return chosen.email_address;
}

/** A new users document: the removed fields are simply absent. */
export function newUserDocument(fields: IdentityFields): Document {
  const document: Document = { _id: new ObjectId() };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) document[key] = value;
  return document;
}

/** `$set` and `$unset` for what differs; undefined when the stored document already matches. */
export function identityUpdate(stored: Document, fields: IdentityFields): Document | undefined {
  const set: Document = {};
  const unset: Document = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) {
      // A name Clerk no longer has is kept: every copy needs one. Phone and image follow Clerk.
      if (key !== 'name' && stored[key] !== undefined) unset[key] = '';
    } else if (!bsonEqual(stored[key], value)) set[key] = value;
  }
  const update: Document = {};
  if (Object.keys(set).length > 0) update.$set = set;
  if (Object.keys(unset).length > 0) update.$unset = unset;
  return Object.keys(update).length > 0 ? update : undefined;
}

function nonEmpty(text: string | null | undefined): string | undefined {
  return text === null || text === undefined || text.trim() === '' ? undefined : text;
}
