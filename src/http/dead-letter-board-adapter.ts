/**
 * Bull Board's view of `dead-letter`: a parking lot of jobs that failed for good, not a backlog. Nothing
 * consumes it by design (SPEC §5), which the stock adapter reports as an orange "No workers" alarm.
 *
 * What Bull Board 9.10 allows is used: a description and display name that say what the queue is, no
 * retry buttons (entries never fail; `replay` is how they go back), each entry's recorded failure on its
 * Error tab, and workers reported as unknown rather than absent, which is the adapter contract's way to
 * keep the alarm off. What it does not allow is a state of our own: an entry is a BullMQ job nothing
 * picks up, so Bull Board lists and counts it under Waiting.
 */
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { Job, Queue } from 'bullmq';
import { withEntryFailure } from './dead-letter-failure-view';

export const DEAD_LETTER_DISPLAY_NAME = 'dead-letter (parked failures)';

/**
 * Bull Board shows a queue's description on one line, cut off with an ellipsis where the window ends, so
 * it is short and says first what an operator came for: what these are, and the command that sends them
 * back. It fits whole at 1280 px (the browser test measures it).
 */
export const DEAD_LETTER_DESCRIPTION =
  'Parked failures, not a backlog: fix the cause, then `user-sync replay --all` (or --queue Q, --id ID)';

export class DeadLetterBoardAdapter extends BullMQAdapter {
  constructor(queue: Queue, { readOnly }: { readOnly: boolean }) {
    super(queue, {
      readOnlyMode: readOnly,
      allowRetries: false,
      displayName: DEAD_LETTER_DISPLAY_NAME,
      description: DEAD_LETTER_DESCRIPTION,
    });
  }

  /** Every job Bull Board shows, listed or opened, carries its entry's failure (Error tab). */
  override async getJob(id: string): Promise<Job | undefined> {
    const job = await super.getJob(id);
    return job === undefined ? undefined : withEntryFailure(job);
  }

  override async getJobs(...args: Parameters<BullMQAdapter['getJobs']>): Promise<Job[]> {
    return (await super.getJobs(...args)).map(job => withEntryFailure(job));
  }

  /** No worker ever serves this queue: "unknown", not "none", so the board raises no alarm over it. */
  override async getWorkers(): Promise<null> {
    return null;
  }
}
