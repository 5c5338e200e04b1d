/**
 * The derived copies of SPEC §1, computed from a validated user. Jobs write them and `verify` compares
 * against them, so the rules live here once. Key order is part of the value: MongoDB compares embedded
 * documents field by field in order, and compare-and-set filters rely on that.
 */
import type { ObjectId } from 'mongodb';
import type { UserDocument } from './user-document';

export interface UserMeta {
  id: ObjectId;
  name: UserDocument['name'];
  email: string;
  phone: string;
  image: string | null;
}

export interface Owner {
  id: ObjectId;
  name: UserDocument['name'];
  email: string;
  phone: string;
  avatar: string | null;
}

export function toUserMeta(user: UserDocument): UserMeta {
  return {
    id: user._id,
    name: user.name,
    email: user.email,
    phone: user.phone ?? '',
    image: user.image ?? null,
  };
}

export function toOwner(user: UserDocument): Owner {
  return {
    id: user._id,
    name: user.name,
    email: user.email,
    phone: user.phone ?? '',
    avatar: user.image ?? null,
  };
}
