import { Binary, Int32, Long } from 'bson';
import type { TxnRef } from '../../../src/types';
import { DB, ORDERED, newFixture } from './engine-fixture';

const SESSION = '0123456789abcdef0123456789abcdef';
const txn = (n: number, sessionKey = SESSION): TxnRef => ({ sessionKey, txnNumber: BigInt(n) });
const inTxn = (t: TxnRef) => ({ ordered: true, txn: t });

describe('transactions', () => {
  it('keeps writes private until commit, then publishes them in one append with lsid/txnNumber', () => {
    const f = newFixture();
    f.insert('c', { _id: 1, v: 0 });
    f.sink.clear();
    const t = txn(1);
    f.engine.startTransaction(t);
    f.engine.insert(DB, 'c', [{ _id: 2, v: 0 }], inTxn(t));
    f.engine.update(DB, 'c', [{ q: { _id: 1 }, u: { $set: { v: 1 } } }], inTxn(t));
    f.engine.delete(DB, 'c', [{ q: { _id: 2 }, limit: 1 }], inTxn(t));
    f.engine.insert(DB, 'c', [{ _id: 3 }], inTxn(t));

    expect(f.engine.find(DB, 'c', { filter: {} }, t)).toEqual([{ _id: 1, v: 1 }, { _id: 3 }]);
    expect(f.findAll('c')).toEqual([{ _id: 1, v: 0 }]);
    expect(f.engine.count(DB, 'c', {}, undefined, undefined, t)).toBe(2);
    expect(f.sink.batches).toHaveLength(0);

    f.engine.commitTransaction(t);
    expect(f.findAll('c')).toEqual([{ _id: 1, v: 1 }, { _id: 3 }]);
    expect(f.sink.batches).toHaveLength(1);
    expect(f.sink.records.map(r => r.operationType)).toEqual(['insert', 'update', 'delete', 'insert']);
    for (const r of f.sink.records) {
      expect(r.lsid).toEqual({ id: new Binary(Buffer.from(SESSION, 'hex'), 4) });
      expect(r.txnNumber).toEqual(Long.fromNumber(1));
    }
    expect(() => f.engine.commitTransaction(t)).not.toThrow();
    expect(f.sink.batches).toHaveLength(1);
  });

  it('abort discards every write', () => {
    const f = newFixture();
    const t = txn(1);
    f.engine.startTransaction(t);
    f.engine.insert(DB, 'c', [{ _id: 1 }], inTxn(t));
    f.engine.abortTransaction(t);
    expect(f.findAll('c')).toEqual([]);
    expect(f.sink.records).toEqual([]);
    expect(f.engine.inTransaction(t)).toBe(false);
    expect(() => f.engine.commitTransaction(t)).toThrow(
      expect.objectContaining({ code: 251, errorLabels: ['TransientTransactionError'] }),
    );
  });

  it('checks unique indexes against committed and transaction-private documents', () => {
    const f = newFixture();
    f.engine.createIndexes(DB, 'c', [{ key: { e: 1 }, name: 'e_1', unique: true }]);
    f.insert('c', { _id: 1, e: 'a' });
    const t = txn(1);
    f.engine.startTransaction(t);
    expect(f.engine.insert(DB, 'c', [{ _id: 2, e: 'b' }], inTxn(t)).writeErrors).toEqual([]);
    expect(f.engine.insert(DB, 'c', [{ _id: 3, e: 'b' }], inTxn(t)).writeErrors[0].code).toBe(11000);
    // A failed statement aborts the transaction, as in MongoDB.
    expect(f.engine.inTransaction(t)).toBe(false);

    const t2 = txn(2);
    f.engine.startTransaction(t2);
    f.engine.update(DB, 'c', [{ q: { _id: 1 }, u: { $set: { e: 'z' } } }], inTxn(t2));
    expect(f.engine.insert(DB, 'c', [{ _id: 4, e: 'a' }], inTxn(t2)).writeErrors).toEqual([]);
    f.engine.commitTransaction(t2);
    expect(f.findAll('c', { e: 'a' })).toEqual([{ _id: 4, e: 'a' }]);
  });

  it('a second transaction writing the same document gets WriteConflict at once', () => {
    const f = newFixture();
    f.insert('c', { _id: 1, n: 0 });
    const a = txn(1, 'a'.repeat(32));
    const b = txn(1, 'b'.repeat(32));
    f.engine.startTransaction(a);
    f.engine.startTransaction(b);
    f.engine.update(DB, 'c', [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }], inTxn(a));
    expect(() => f.engine.update(DB, 'c', [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }], inTxn(b))).toThrow(
      expect.objectContaining({
        code: 112,
        codeName: 'WriteConflict',
        errorLabels: ['TransientTransactionError'],
      }),
    );
    f.engine.commitTransaction(a);
    expect(f.findOne('c')).toEqual({ _id: 1, n: 1 });
  });

  it('a write outside the transaction wins; the transaction fails at commit with a transient WriteConflict', () => {
    const f = newFixture();
    f.insert('c', { _id: 1, n: 0 });
    const t = txn(1);
    f.engine.startTransaction(t);
    f.engine.update(DB, 'c', [{ q: { _id: 1 }, u: { $inc: { n: 10 } } }], inTxn(t));
    f.engine.update(DB, 'c', [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }], ORDERED);
    expect(() => f.engine.commitTransaction(t)).toThrow(
      expect.objectContaining({ code: 112, errorLabels: ['TransientTransactionError'] }),
    );
    expect(f.findOne('c')).toEqual({ _id: 1, n: 1 });
  });

  it('endSessions aborts the open transaction; a new txnNumber replaces the old one', () => {
    const f = newFixture();
    const t = txn(1);
    f.engine.startTransaction(t);
    f.engine.insert(DB, 'c', [{ _id: 1 }], inTxn(t));
    f.engine.startTransaction(txn(2));
    expect(f.engine.inTransaction(t)).toBe(false);
    f.engine.endSessions([SESSION]);
    expect(f.engine.inTransaction(txn(2))).toBe(false);
    expect(f.findAll('c')).toEqual([]);
  });

  it('aggregation and distinct inside a transaction see its writes', () => {
    const f = newFixture();
    f.insert('c', { _id: 1, k: 'a' });
    const t = txn(1);
    f.engine.startTransaction(t);
    f.engine.insert(DB, 'c', [{ _id: 2, k: 'b' }], inTxn(t));
    expect(f.engine.distinct(DB, 'c', 'k', {}, t)).toEqual(['a', 'b']);
    expect(f.engine.aggregate(DB, 'c', [{ $count: 'n' }], t)).toStrictEqual([{ n: new Int32(2) }]);
    expect(f.engine.aggregate(DB, 'c', [{ $count: 'n' }])).toStrictEqual([{ n: new Int32(1) }]);
  });
});
