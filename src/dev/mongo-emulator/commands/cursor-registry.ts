/**
 * Open server cursors by id. Like mongod, cursors outlive the connection that opened them (a driver may
 * getMore on any pooled connection); they go when exhausted, killed, or the server stops.
 */
import { randomBytes } from 'node:crypto';
import type { ServerCursor } from '../types';
import { ErrorCodes, MongoCommandError, commandError } from '../types';

export interface OpenCursor {
  readonly id: bigint;
  readonly cursor: ServerCursor;
  /** Change streams: getMore waits for events instead of ending. */
  readonly tailable: boolean;
  /** A getMore is running on it; a second one at the same time is refused like mongod does. */
  busy: boolean;
}

export class CursorRegistry {
  private readonly cursors = new Map<bigint, OpenCursor>();

  register(cursor: ServerCursor, tailable: boolean): OpenCursor {
    const entry: OpenCursor = { id: this.newId(), cursor, tailable, busy: false };
    this.cursors.set(entry.id, entry);
    return entry;
  }

  /** Throws CursorNotFound (43) for an id that is not open. */
  get(id: bigint): OpenCursor {
    const entry = this.cursors.get(id);
    if (!entry) throw commandError(ErrorCodes.CursorNotFound, `cursor id ${id} not found`);
    return entry;
  }

  /** Checks a cursor out for one getMore. */
  checkOut(id: bigint): OpenCursor {
    const entry = this.get(id);
    if (entry.busy) throw new MongoCommandError(292, 'CursorInUse', `cursor id ${id} is already in use`);
    entry.busy = true;
    return entry;
  }

  isTailable(id: bigint): boolean {
    return this.cursors.get(id)?.tailable ?? false;
  }

  /** Forgets and closes the cursor; false when there was none. */
  kill(id: bigint): boolean {
    const entry = this.cursors.get(id);
    if (!entry) return false;
    this.cursors.delete(id);
    entry.cursor.close();
    return true;
  }

  closeAll(): void {
    for (const id of [...this.cursors.keys()]) this.kill(id);
  }

  get size(): number {
    return this.cursors.size;
  }

  /** Random positive int64s, so ids are not guessable and never repeat after a restart in practice. */
  private newId(): bigint {
    for (;;) {
      const id = randomBytes(8).readBigInt64LE(0) & 0x7fffffffffffffffn;
      if (id !== 0n && !this.cursors.has(id)) return id;
    }
  }
}
