/**
 * A collection as one open transaction sees it: committed documents overlaid by the transaction's
 * own uncommitted writes (id -> new document, or null for deleted). Unique indexes are checked
 * against both. Each first write of a document records the committed version it was based on, so
 * the commit can detect that someone else changed it meanwhile.
 */
import type { Document, Namespace } from '../../types';
import { deepCopy } from '../deep-copy';
import { indexKey } from '../index-key';
import type { Collection, StoredEntry } from '../storage/collection';
import type { CollectionView } from '../storage/collection-view';
import { duplicateKeyError } from '../storage/duplicate-key';
import { ID_INDEX_NAME } from '../storage/collection';

export interface OverlayEntry {
  /** The transaction's version of the document; null when it deleted it. */
  doc: Document | null;
  seq: number;
  /** The committed document (object identity = version) when the transaction first wrote it. */
  base: Document | undefined;
}

export type Overlay = Map<string, OverlayEntry>;

export class TransactionView implements CollectionView {
  constructor(
    readonly collection: Collection,
    private readonly overlay: Overlay,
    /** Claims the document for this transaction; throws WriteConflict when another one holds it. */
    private readonly claim: (idKey: string) => void,
  ) {}

  get ns(): Namespace {
    return this.collection.ns;
  }

  get preAndPostImages(): boolean {
    return this.collection.preAndPostImages;
  }

  get(idKey: string): Document | undefined {
    const own = this.overlay.get(idKey);
    if (own) return own.doc ?? undefined;
    return this.collection.get(idKey);
  }

  candidates(filter: Document | undefined): StoredEntry[] {
    const base = this.collection.candidates(filter);
    if (this.overlay.size === 0) return base;
    const merged = base.filter(e => !this.overlay.has(e.idKey));
    for (const [idKey, e] of this.overlay) if (e.doc) merged.push({ idKey, doc: e.doc, seq: e.seq });
    return merged.sort((a, b) => a.seq - b.seq);
  }

  private checkUnique(doc: Document, idKey: string): void {
    this.collection.checkUnique(doc, idKey, other => this.overlay.has(other));
    for (const index of this.collection.indexes.values()) {
      if (!index.unique) continue;
      const keys = index.keysOf(doc);
      if (!keys) continue;
      for (const [otherId, e] of this.overlay) {
        if (otherId === idKey || !e.doc) continue;
        const theirs = new Set(index.keysOf(e.doc)?.full.map(k => k.key));
        const clash = keys.full.find(k => theirs.has(k.key));
        if (clash) throw duplicateKeyError(this.ns, index.name, index.spec.key, index.keyValue(clash.values));
      }
    }
  }

  private write(idKey: string, doc: Document | null): void {
    this.claim(idKey);
    const existing = this.overlay.get(idKey);
    const committed = this.collection.docs.get(idKey);
    this.overlay.set(idKey, {
      doc,
      seq: existing?.seq ?? committed?.seq ?? this.collection.nextSeq(),
      base: existing ? existing.base : committed?.doc,
    });
  }

  insert(doc: Document): void {
    const idKey = indexKey(doc._id);
    if (this.get(idKey)) throw duplicateKeyError(this.ns, ID_INDEX_NAME, { _id: 1 }, { _id: doc._id });
    this.checkUnique(doc, idKey);
    this.write(idKey, doc);
  }

  replace(idKey: string, doc: Document): void {
    this.checkUnique(doc, idKey);
    this.write(idKey, doc);
  }

  remove(idKey: string): void {
    this.write(idKey, null);
  }

  released(doc: Document): Document {
    return deepCopy(doc);
  }
}
