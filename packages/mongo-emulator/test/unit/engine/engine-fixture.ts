/**
 * A StorageEngine with a recording change sink, for unit tests that call the engine directly.
 */
import { Timestamp } from 'bson';
import type { ChangeRecord, ChangeSink, Document } from '../../../src/types';
import type { UpdateStatement, WriteOptions } from '../../../src/engine/engine-api';
import { StorageEngine } from '../../../src/engine/storage-engine';

export class RecordingSink implements ChangeSink {
  readonly batches: ChangeRecord[][] = [];
  private time = 0;

  append(changes: ChangeRecord[]): Timestamp {
    this.batches.push(changes);
    this.time += changes.length;
    return new Timestamp({ t: 1, i: this.time });
  }

  get records(): ChangeRecord[] {
    return this.batches.flat();
  }

  get last(): ChangeRecord | undefined {
    return this.records[this.records.length - 1];
  }

  clear(): void {
    this.batches.length = 0;
  }
}

export const DB = 'app';
export const ORDERED: WriteOptions = { ordered: true };
export const UNORDERED: WriteOptions = { ordered: false };

type UpdateCall = (
  coll: string,
  q: Document,
  u: Document | Document[],
  extra?: Partial<UpdateStatement>,
) => ReturnType<StorageEngine['update']>;

export interface Fixture {
  engine: StorageEngine;
  sink: RecordingSink;
  insert(coll: string, ...docs: Document[]): void;
  updateOne: UpdateCall;
  updateMany: UpdateCall;
  findAll(coll: string, filter?: Document): Document[];
  findOne(coll: string, filter?: Document): Document | undefined;
}

export function newFixture(): Fixture {
  const sink = new RecordingSink();
  const engine = new StorageEngine({ changes: sink });
  return {
    engine,
    sink,
    insert(coll, ...docs) {
      const result = engine.insert(DB, coll, docs, ORDERED);
      if (result.writeErrors.length) throw new Error(result.writeErrors[0].errmsg);
    },
    updateOne: (coll, q, u, extra = {}) => engine.update(DB, coll, [{ q, u, ...extra }], ORDERED),
    updateMany: (coll, q, u, extra = {}) =>
      engine.update(DB, coll, [{ q, u, multi: true, ...extra }], ORDERED),
    findAll: (coll, filter = {}) => engine.find(DB, coll, { filter }),
    findOne: (coll, filter = {}) => engine.find(DB, coll, { filter, limit: 1 })[0],
  };
}
