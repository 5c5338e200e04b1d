/**
 * OP_MSG (opCode 2013): flagBits, then sections. Kind 0 is the command document; kind 1 is a document
 * sequence (`documents` of insert, `updates` of update...) that drivers send outside the command so a
 * batch may exceed 16 MB in total. We merge each sequence into the command under its identifier, so
 * handlers see one document, exactly as if the driver had inlined the array.
 */
import type { Document } from 'bson';
import { crc32c } from './crc32c';
import { readDocument, writeDocument } from './bson-codec';
import { HEADER_SIZE, MsgFlag, OpCode } from './op-codes';
import { badMessage, fatalWireError } from './wire-error';

export interface DecodedOpMsg {
  flagBits: number;
  command: Document;
}

const KNOWN_REQUIRED_BITS = MsgFlag.ChecksumPresent | MsgFlag.MoreToCome;

/** `frame` is the whole message, header included. */
export function decodeOpMsg(frame: Buffer): DecodedOpMsg {
  if (frame.length < HEADER_SIZE + 5) throw badMessage('OP_MSG too short');
  const flagBits = frame.readUInt32LE(HEADER_SIZE);
  const unknownRequired = flagBits & 0xffff & ~KNOWN_REQUIRED_BITS;
  if (unknownRequired !== 0)
    throw badMessage(`OP_MSG has unknown required flag bits 0x${unknownRequired.toString(16)}`);

  let end = frame.length;
  if (flagBits & MsgFlag.ChecksumPresent) {
    end -= 4;
    if (end < HEADER_SIZE + 5) throw badMessage('OP_MSG too short for its checksum');
    // A wrong checksum means the bytes were damaged in transit; nothing after it can be trusted.
    if (crc32c(frame.subarray(0, end)) !== frame.readUInt32LE(end))
      throw fatalWireError('OP_MSG checksum mismatch');
  }

  let body: Document | undefined;
  const sequences: [string, Document[]][] = [];
  let offset = HEADER_SIZE + 4;
  while (offset < end) {
    const kind = frame[offset++];
    if (kind === 0) {
      if (body) throw badMessage('OP_MSG has more than one kind 0 section');
      const { doc, size } = readDocument(frame, offset, end);
      body = doc;
      offset += size;
    } else if (kind === 1) {
      const { identifier, documents, size } = readSequence(frame, offset, end);
      sequences.push([identifier, documents]);
      offset += size;
    } else {
      throw badMessage(`OP_MSG section kind ${kind} is not supported`);
    }
  }
  if (!body) throw badMessage('OP_MSG has no kind 0 section');
  for (const [identifier, documents] of sequences) {
    if (identifier in body)
      throw badMessage(`OP_MSG document sequence '${identifier}' duplicates a command field`);
    body[identifier] = documents;
  }
  return { flagBits, command: body };
}

function readSequence(frame: Buffer, start: number, end: number) {
  if (end - start < 4) throw badMessage('truncated OP_MSG document sequence');
  const size = frame.readInt32LE(start);
  const sequenceEnd = start + size;
  if (size < 5 || sequenceEnd > end)
    throw badMessage(`OP_MSG document sequence size ${size} overruns the message`);
  const nul = frame.indexOf(0, start + 4);
  if (nul < 0 || nul >= sequenceEnd)
    throw badMessage('OP_MSG document sequence identifier is not terminated');
  const identifier = frame.toString('utf8', start + 4, nul);
  const documents: Document[] = [];
  let offset = nul + 1;
  while (offset < sequenceEnd) {
    const { doc, size: docSize } = readDocument(frame, offset, sequenceEnd);
    documents.push(doc);
    offset += docSize;
  }
  return { identifier, documents, size };
}

/** A reply never carries a checksum; `moreToCome` marks an exhaust stream that will continue. */
export function encodeOpMsg(
  requestId: number,
  responseTo: number,
  doc: Document,
  moreToCome = false,
): Buffer {
  const body = writeDocument(doc);
  const message = Buffer.allocUnsafe(HEADER_SIZE + 5 + body.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(requestId, 4);
  message.writeInt32LE(responseTo, 8);
  message.writeInt32LE(OpCode.Msg, 12);
  message.writeUInt32LE(moreToCome ? MsgFlag.MoreToCome : 0, 16);
  message.writeUInt8(0, 20);
  body.copy(message, 21);
  return message;
}
