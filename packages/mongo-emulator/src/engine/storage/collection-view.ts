/**
 * What the read and write executors see of a collection: the committed state (BaseView) or the
 * committed state under one transaction's private overlay (TransactionView).
 */
import type { Document, Namespace } from '../../types';
import type { Collection, StoredEntry } from './collection';
import type { ChangedPaths } from './index-relevance';

export interface CollectionView {
  readonly ns: Namespace;
  readonly preAndPostImages: boolean;
  get(idKey: string): Document | undefined;
  /** Documents that may match `filter`, in natural order; callers still apply the matcher. */
  candidates(filter: Document | undefined): StoredEntry[];
  insert(doc: Document): void;
  /** `changed`: the paths the update changed, when known (see Collection.replace). */
  replace(idKey: string, doc: Document, changed?: ChangedPaths): void;
  remove(idKey: string): void;
  /**
   * A document this view just replaced or removed, made safe to hand out: the committed state no
   * longer holds it after a plain write (no copy needed), a transaction's base document it still does.
   */
  released(doc: Document): Document;
}

export class BaseView implements CollectionView {
  constructor(readonly collection: Collection) {}

  get ns(): Namespace {
    return this.collection.ns;
  }

  get preAndPostImages(): boolean {
    return this.collection.preAndPostImages;
  }

  get(idKey: string): Document | undefined {
    return this.collection.get(idKey);
  }

  candidates(filter: Document | undefined): StoredEntry[] {
    return this.collection.candidates(filter);
  }

  insert(doc: Document): void {
    this.collection.insert(doc);
  }

  replace(idKey: string, doc: Document, changed?: ChangedPaths): void {
    this.collection.replace(idKey, doc, changed);
  }

  remove(idKey: string): void {
    this.collection.remove(idKey);
  }

  released(doc: Document): Document {
    return doc;
  }
}
