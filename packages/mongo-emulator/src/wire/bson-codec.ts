/**
 * BSON in and out with the settings the whole emulator relies on: values are never promoted, so an Int32
 * stays an Int32 and a Long a Long all the way into storage and back, as on a real server.
 */
import { BSON } from 'bson';
import type { Document } from 'bson';
import { badMessage } from './wire-error';

const DESERIALIZE_OPTIONS = {
  promoteValues: false,
  promoteLongs: false,
  promoteBuffers: false,
  bsonRegExp: true,
  validation: { utf8: true },
} as const;

/** Reads the document at `offset`, checking its declared size against the bytes available. */
export function readDocument(
  bytes: Buffer,
  offset: number,
  end: number = bytes.length,
): { doc: Document; size: number } {
  if (end - offset < 5) throw badMessage(`truncated BSON document at offset ${offset}`);
  const size = bytes.readInt32LE(offset);
  if (size < 5 || offset + size > end)
    throw badMessage(`BSON document size ${size} at offset ${offset} overruns the message`);
  try {
    return { doc: BSON.deserialize(bytes.subarray(offset, offset + size), DESERIALIZE_OPTIONS), size };
  } catch (error) {
    throw badMessage(`invalid BSON: ${(error as Error).message}`);
  }
}

export function writeDocument(doc: Document): Buffer {
  return Buffer.from(BSON.serialize(doc, { ignoreUndefined: true }));
}

export function documentSize(doc: Document): number {
  return BSON.calculateObjectSize(doc, { ignoreUndefined: true });
}
