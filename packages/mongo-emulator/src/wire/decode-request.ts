/** Turns one framed message into a WireRequest, whatever its opCode. */
import { OpCode, MsgFlag } from './op-codes';
import { decodeOpMsg } from './op-msg';
import { decodeOpQuery } from './op-query';
import { badMessage, fatalWireError } from './wire-error';
import type { WireRequest } from './wire-request';

export interface FrameHeader {
  length: number;
  requestId: number;
  responseTo: number;
  opCode: number;
}

export function readHeader(frame: Buffer): FrameHeader {
  return {
    length: frame.readInt32LE(0),
    requestId: frame.readInt32LE(4),
    responseTo: frame.readInt32LE(8),
    opCode: frame.readInt32LE(12),
  };
}

/** Throws WireError: fatal for an opCode we cannot even answer in, non-fatal for a bad body. */
export function decodeRequest(frame: Buffer, header: FrameHeader = readHeader(frame)): WireRequest {
  if (header.opCode === OpCode.Msg) {
    const { flagBits, command } = decodeOpMsg(frame);
    const db = command.$db;
    if (typeof db !== 'string' || db.length === 0) throw badMessage('OP_MSG command has no $db');
    return {
      requestId: header.requestId,
      opCode: OpCode.Msg,
      db,
      command,
      moreToCome: (flagBits & MsgFlag.MoreToCome) !== 0,
      exhaustAllowed: (flagBits & MsgFlag.ExhaustAllowed) !== 0,
    };
  }
  if (header.opCode === OpCode.Query) {
    const { db, command } = decodeOpQuery(frame);
    return {
      requestId: header.requestId,
      opCode: OpCode.Query,
      db,
      command,
      moreToCome: false,
      exhaustAllowed: false,
    };
  }
  // OP_COMPRESSED is never negotiated (hello advertises no compressors); anything else is not MongoDB.
  throw fatalWireError(`unsupported opCode ${header.opCode}`);
}
