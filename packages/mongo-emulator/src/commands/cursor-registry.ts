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
  /** Date.now() of its last use, for the idle timeout. */
  lastUsed: number;
}

/** mongod's cursorTimeoutMillis: a cursor nobody touched for this long is reaped. */
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

export class CursorRegistry {
  private readonly cursors = new Map<bigint, OpenCursor>();

  register(cursor: ServerCursor, tailable: boolean): OpenCursor {
    this.reapIdle();
    const entry: OpenCursor = { id: this.newId(), cursor, tailable, busy: false, lastUsed: Date.now() };
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
    entry.lastUsed = Date.now();
    return entry;
  }

  /** Ends a getMore's hold on the cursor. */
  release(entry: OpenCursor): void {
    entry.busy = false;
    entry.lastUsed = Date.now();
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

  /**
   * Reaped when a cursor is opened rather than by a timer: an idle server then holds no timers that
   * would keep a test process alive, and a busy one sweeps often enough.
   */
  private reapIdle(): void {
    const cutoff = Date.now() - IDLE_TIMEOUT_MS;
    for (const entry of this.cursors.values()) {
      if (!entry.busy && entry.lastUsed < cutoff) this.kill(entry.id);
    }
  }

  /** Random positive int64s, so ids are not guessable and never repeat after a restart in practice. */
  private newId(): bigint {
    for (;;) {
      const id = randomBytes(8).readBigInt64LE(0) & 0x7fffffffffffffffn;
      if (id !== 0n && !this.cursors.has(id)) return id;
    }
  }
}
