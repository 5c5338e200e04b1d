/**
 * Multi-document transactions: one open transaction per session, its writes kept in per-collection
 * overlays (see TransactionView) until commit replays them onto the committed state in one step.
 *
 * Conflicts, chosen to mirror MongoDB where a synchronous engine can:
 * - two open transactions writing the same document: the second gets WriteConflict (112, label
 *   TransientTransactionError) at once, as in MongoDB (first writer wins);
 * - a write outside any transaction is never blocked or failed: it applies, and a transaction that
 *   had written the same document fails at commit with WriteConflict + TransientTransactionError, so
 *   the driver's withTransaction retries it on top of the new state (MongoDB would instead make the
 *   outside writer wait for the transaction);
 * - commit re-checks unique indexes; a violation caused by outside writes also becomes WriteConflict.
 * Reads inside a transaction see committed data plus the transaction's own writes (read committed,
 * not MongoDB's snapshot isolation).
 */
import { Binary, Long } from 'bson';
import type { ChangeRecord, Document, TxnRef } from '../../types';
import { ErrorCodes, commandError } from '../../types';
import { noSuchTransaction, writeConflict } from '../engine-errors';
import type { Collection } from '../storage/collection';
import type { Overlay } from './transaction-view';
import { TransactionView } from './transaction-view';

interface TxnState {
  ref: TxnRef;
  status: 'open' | 'committed' | 'aborted';
  overlays: Map<Collection, Overlay>;
  records: ChangeRecord[];
  /** Collections its writes created implicitly: an abort takes their creation back too. */
  created: Collection[];
}

export class TransactionManager {
  private readonly sessions = new Map<string, TxnState>();
  /**
   * @param uncreate removes a collection an aborted transaction created implicitly
   * @defaultValue nothing
   */
  constructor(private readonly uncreate: (collection: Collection) => void = () => {}) {}

  /** Which open transaction has written each document. */
  private readonly owners = new Map<Collection, Map<string, TxnState>>();

  start(ref: TxnRef): void {
    const current = this.sessions.get(ref.sessionKey);
    if (current?.status === 'open') this.release(current, 'aborted');
    this.sessions.set(ref.sessionKey, { ref, status: 'open', overlays: new Map(), records: [], created: [] });
  }

  isOpen(ref: TxnRef): boolean {
    const s = this.sessions.get(ref.sessionKey);
    return s !== undefined && s.status === 'open' && s.ref.txnNumber === ref.txnNumber;
  }

  /** Throws NoSuchTransaction (TransientTransactionError) unless `ref` is open. */
  assertOpen(ref: TxnRef): void {
    this.open(ref);
  }

  private open(ref: TxnRef): TxnState {
    const s = this.sessions.get(ref.sessionKey);
    if (!s || s.ref.txnNumber !== ref.txnNumber || s.status !== 'open') {
      throw noSuchTransaction(ref.txnNumber, s?.ref.txnNumber === ref.txnNumber && s.status === 'aborted');
    }
    return s;
  }

  view(ref: TxnRef, collection: Collection): TransactionView {
    const state = this.open(ref);
    let overlay = state.overlays.get(collection);
    if (!overlay) state.overlays.set(collection, (overlay = new Map()));
    return new TransactionView(collection, overlay, idKey => this.claim(state, collection, idKey));
  }

  /** A write of the transaction created `collection` (a write to a missing collection creates it). */
  created(ref: TxnRef, collection: Collection): void {
    this.open(ref).created.push(collection);
  }

  /** Change records of the transaction's writes so far; published at commit. */
  record(ref: TxnRef, records: ChangeRecord[]): void {
    this.open(ref).records.push(...records);
  }

  private claim(state: TxnState, collection: Collection, idKey: string): void {
    let owners = this.owners.get(collection);
    if (!owners) this.owners.set(collection, (owners = new Map()));
    const owner = owners.get(idKey);
    if (owner && owner !== state) {
      this.release(state, 'aborted');
      throw writeConflict();
    }
    owners.set(idKey, state);
  }

  private release(state: TxnState, status: 'committed' | 'aborted'): void {
    state.status = status;
    for (const [collection, overlay] of state.overlays) {
      const owners = this.owners.get(collection);
      for (const idKey of overlay.keys()) if (owners?.get(idKey) === state) owners.delete(idKey);
      if (owners?.size === 0) this.owners.delete(collection);
    }
    state.overlays.clear();
    if (status === 'aborted') for (const collection of state.created) this.uncreate(collection);
    state.created = [];
  }

  /**
   * Applies the transaction atomically and returns its change records stamped with lsid/txnNumber.
   * `isLive` tells whether a collection still exists (a dropped one is a conflict).
   */
  commit(ref: TxnRef, isLive: (c: Collection) => boolean): ChangeRecord[] {
    const s = this.sessions.get(ref.sessionKey);
    if (s && s.ref.txnNumber === ref.txnNumber && s.status === 'committed') return [];
    const state = this.open(ref);
    for (const [collection, overlay] of state.overlays) {
      const stale =
        !isLive(collection) || [...overlay].some(([idKey, e]) => collection.get(idKey) !== e.base);
      if (stale) {
        this.release(state, 'aborted');
        throw writeConflict();
      }
    }
    const undo: (() => void)[] = [];
    try {
      for (const [collection, overlay] of state.overlays) {
        for (const [idKey, e] of overlay) {
          const current = collection.get(idKey);
          if (e.doc === null) {
            if (!current) continue;
            collection.remove(idKey);
            undo.push(() => collection.insert(current));
          } else if (current) {
            collection.replace(idKey, e.doc);
            undo.push(() => collection.replace(idKey, current));
          } else {
            collection.insert(e.doc);
            undo.push(() => collection.remove(idKey));
          }
        }
      }
    } catch {
      for (const step of undo.reverse()) step();
      this.release(state, 'aborted');
      throw writeConflict();
    }
    this.release(state, 'committed');
    const lsid = lsidOf(ref.sessionKey);
    const txnNumber = Long.fromBigInt(ref.txnNumber);
    return state.records.map(r => ({ ...r, lsid, txnNumber }));
  }

  abort(ref: TxnRef): void {
    const s = this.sessions.get(ref.sessionKey);
    if (s && s.ref.txnNumber === ref.txnNumber && s.status === 'committed') {
      throw commandError(ErrorCodes.TransactionCommitted, 'Cannot abort a committed transaction');
    }
    this.release(this.open(ref), 'aborted');
  }

  /** Aborts the open transaction of `ref`'s session, if any (after a failed statement). */
  abortQuietly(ref: TxnRef): void {
    const s = this.sessions.get(ref.sessionKey);
    if (s?.status === 'open') this.release(s, 'aborted');
  }

  endSessions(sessionKeys: string[]): void {
    for (const key of sessionKeys) {
      const s = this.sessions.get(key);
      if (s?.status === 'open') this.release(s, 'aborted');
      this.sessions.delete(key);
    }
  }

  /** A dropped collection dooms the transactions that wrote to it. */
  collectionDropped(collection: Collection): void {
    for (const s of this.sessions.values()) {
      if (s.status === 'open' && s.overlays.has(collection)) this.release(s, 'aborted');
    }
  }
}

function lsidOf(sessionKey: string): Document {
  const bytes = /^[0-9a-f]{32}$/i.test(sessionKey) ? Buffer.from(sessionKey, 'hex') : Buffer.from(sessionKey);
  return { id: new Binary(bytes, Binary.SUBTYPE_UUID) };
}
