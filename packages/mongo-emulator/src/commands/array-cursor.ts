/**
 * A cursor over results the engine already materialized (find, aggregate, listCollections...). The
 * engine is synchronous and returns copies, so reading them later in batches cannot see torn writes.
 */
import type { CursorBatch, Document, ServerCursor } from '../types';
import { documentSize } from '../wire/bson-codec';
import { MAX_BSON_OBJECT_SIZE } from '../wire/op-codes';

/** Room kept for the reply envelope around a batch, as mongod keeps a batch under 16 MB. */
const BATCH_BYTES = MAX_BSON_OBJECT_SIZE - 64 * 1024;

export class ArrayCursor implements ServerCursor {
  private position = 0;
  private documents: Document[];

  /**
   * @param endKnown whether handing out the last document ends the cursor. mongod's collection scan and
   * aggregate only learn they are done when a read past the end fails: a batch that comes out exactly full
   * leaves the cursor open, and the next getMore answers empty with id 0. A sort or a reached limit knows.
   * @defaultValue true
   */
  constructor(
    readonly ns: string,
    documents: Document[],
    private readonly endKnown = true,
  ) {
    this.documents = documents;
  }

  async next(batchSize: number): Promise<CursorBatch> {
    const batch: Document[] = [];
    let bytes = 0;
    while (batch.length < batchSize && this.position < this.documents.length) {
      const doc = this.documents[this.position];
      const size = documentSize(doc);
      if (batch.length > 0 && bytes + size > BATCH_BYTES) break;
      batch.push(doc);
      bytes += size;
      this.position++;
    }
    const drained = this.position >= this.documents.length;
    return { documents: batch, exhausted: drained && (this.endKnown || batch.length < batchSize) };
  }

  close(): void {
    this.documents = [];
    this.position = 0;
  }
}
