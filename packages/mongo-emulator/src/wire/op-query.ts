/**
 * Legacy OP_QUERY (2004) and its answer OP_REPLY (1). Drivers still open every connection with an
 * OP_QUERY `isMaster` on `admin.$cmd`, because they do not know yet whether the server speaks OP_MSG.
 */
import type { Document } from 'bson';
import { readDocument, writeDocument } from './bson-codec';
import { HEADER_SIZE, OpCode, ReplyFlag } from './op-codes';
import { badMessage } from './wire-error';

export interface DecodedOpQuery {
  /** `<db>` of `<db>.$cmd`. */
  db: string;
  command: Document;
}

export function decodeOpQuery(frame: Buffer): DecodedOpQuery {
  let offset = HEADER_SIZE + 4; // after flags
  const nul = frame.indexOf(0, offset);
  if (nul < 0) throw badMessage('OP_QUERY collection name is not terminated');
  const namespace = frame.toString('utf8', offset, nul);
  offset = nul + 1 + 8; // numberToSkip, numberToReturn
  if (offset > frame.length) throw badMessage('truncated OP_QUERY');
  const { doc } = readDocument(frame, offset);
  if (!namespace.endsWith('.$cmd'))
    throw badMessage(`OP_QUERY on '${namespace}' is not supported; only commands are`);
  // Old drivers wrap a command that carries a read preference as {$query: cmd, $readPreference}.
  const command = doc.$query && typeof doc.$query === 'object' ? (doc.$query as Document) : doc;
  return { db: namespace.slice(0, -'.$cmd'.length), command };
}

export function encodeOpReply(requestId: number, responseTo: number, doc: Document): Buffer {
  const body = writeDocument(doc);
  const message = Buffer.allocUnsafe(HEADER_SIZE + 20 + body.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(requestId, 4);
  message.writeInt32LE(responseTo, 8);
  message.writeInt32LE(OpCode.Reply, 12);
  message.writeInt32LE(ReplyFlag.AwaitCapable, 16);
  message.writeBigInt64LE(0n, 20); // cursorID: commands never leave an OP_REPLY cursor open
  message.writeInt32LE(0, 28); // startingFrom
  message.writeInt32LE(1, 32); // numberReturned
  body.copy(message, 36);
  return message;
}
