/**
 * Bull Board's view of `dead-letter`: a parking lot of jobs that failed for good, not a backlog. Nothing
 * consumes it by design (SPEC §5), which the stock adapter reports as an orange "No workers" alarm.
 *
 * What Bull Board 9.10 allows is used: a description and display name that say what the queue is, no
 * retry buttons (entries never fail; `replay` is how they go back), and workers reported as unknown
 * rather than absent, which is the adapter contract's way to keep the alarm off. What it does not allow is
 * a state of our own: an entry is a BullMQ job nothing picks up, so Bull Board lists and counts it under
 * Waiting, and the description says so.
 */
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import type { Queue } from 'bullmq';

export const DEAD_LETTER_DISPLAY_NAME = 'dead-letter (parked failures)';

export const DEAD_LETTER_DESCRIPTION =
  'Parked failures, not a backlog: nothing consumes this queue, so Bull Board shows its entries as ' +
  'Waiting. One entry per job that failed for good (bad data, or every attempt used). Fix the cause, ' +
  'then `user-sync replay --all` (or --queue / --id) sends them back to their queue.';

export class DeadLetterBoardAdapter extends BullMQAdapter {
  constructor(queue: Queue, { readOnly }: { readOnly: boolean }) {
    super(queue, {
      readOnlyMode: readOnly,
      allowRetries: false,
      displayName: DEAD_LETTER_DISPLAY_NAME,
      description: DEAD_LETTER_DESCRIPTION,
    });
  }

  /** No worker ever serves this queue: "unknown", not "none", so the board raises no alarm over it. */
  override async getWorkers(): Promise<null> {
    return null;
  }
}
