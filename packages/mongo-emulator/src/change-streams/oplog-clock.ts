/**
 * The cluster clock: MongoDB `Timestamp`s whose `t` is unix seconds and `i` a counter within the second.
 * Every time handed out is strictly after the previous one even when the wall clock steps back, because
 * resume tokens and startAtOperationTime order events by it.
 */
import { Timestamp } from 'bson';

const MAX_INCREMENT = 0xffffffff;

export class OplogClock {
  private t: number;
  /** Events take i >= 1; i = 0 is only ever a bare "current time", so no event shares it. */
  private i = 0;

  constructor(private readonly wallMs: () => number = Date.now) {
    this.t = this.wallSeconds();
  }

  /** A fresh cluster time for the next oplog slot. */
  tick(): Timestamp {
    const wall = this.wallSeconds();
    if (wall > this.t) {
      this.t = wall;
      this.i = 1;
    } else if (this.i >= MAX_INCREMENT) {
      this.t += 1;
      this.i = 1;
    } else {
      this.i += 1;
    }
    return this.timestamp();
  }

  /**
   * The latest cluster time: the last event's, or once the wall clock is past it, the wall clock. Moving
   * with the wall clock plays the part of a primary's periodic no-op writes: an idle change stream's
   * postBatchResumeToken and every reply's operationTime keep advancing. It trails the wall clock by one
   * second so that the reply to a write, stamped just after it, reports that write's own time (a
   * second boundary falling in between would otherwise make startAtOperationTime miss the write).
   */
  current(): Timestamp {
    const settled = this.wallSeconds() - 1;
    if (settled > this.t) {
      this.t = settled;
      this.i = 0;
    }
    return this.timestamp();
  }

  private timestamp(): Timestamp {
    return new Timestamp({ t: this.t, i: this.i });
  }

  private wallSeconds(): number {
    return Math.floor(this.wallMs() / 1000);
  }
}
