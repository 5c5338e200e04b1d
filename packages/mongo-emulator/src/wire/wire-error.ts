/**
 * A message the emulator cannot accept. `fatal` ones break the framing (bad length, unknown opCode,
 * checksum mismatch): the only safe answer is closing the connection, as mongod does. The others are
 * well framed but unusable (bad BSON, bad section): they get an error reply and the connection lives on.
 */
export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    message: string,
    readonly fatal: boolean,
  ) {
    super(message);
  }
}

export function fatalWireError(message: string): WireError {
  return new WireError(message, true);
}

export function badMessage(message: string): WireError {
  return new WireError(message, false);
}
