/** Numbers of the MongoDB wire protocol the emulator speaks. */

/** Message opCodes (header bytes 12..15). */
export const OpCode = {
  Reply: 1,
  Query: 2004,
  Compressed: 2012,
  Msg: 2013,
} as const;

/** OP_MSG flagBits. Bits 0-15 are "required": a receiver must reject ones it does not know. */
export const MsgFlag = {
  ChecksumPresent: 1 << 0,
  MoreToCome: 1 << 1,
  ExhaustAllowed: 1 << 16,
} as const;

/** OP_REPLY responseFlags; AwaitCapable is what every server since 1.6 sets. */
export const ReplyFlag = {
  QueryFailure: 1 << 1,
  AwaitCapable: 1 << 3,
} as const;

export const HEADER_SIZE = 16;

/** What hello advertises as maxMessageSizeBytes; anything longer closes the connection. */
export const MAX_MESSAGE_SIZE = 48_000_000;

/** What hello advertises as maxBsonObjectSize. */
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
