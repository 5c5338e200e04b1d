/**
 * Bull Board for every queue, dead-letter included (SPEC §3), as an express router to mount at
 * `DASHBOARD_BASE_PATH`. Read-only mode (DASHBOARD_READ_ONLY) hides retry, promote, clean and delete.
 * dead-letter gets an adapter of its own that presents it as the parking lot it is. The page fetches
 * nothing from other origins (without-remote-assets.ts).
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Express, RequestHandler } from 'express';
import { ALL_QUEUES, QueueNames, type QueueName } from '../queues/queue-names';
import { DASHBOARD_BASE_PATH } from '../routes';
import { DeadLetterBoardAdapter } from './dead-letter-board-adapter';
import { renderWithoutRemoteLinks } from './without-remote-assets';

type BoardServerAdapter = Parameters<typeof createBullBoard>[0]['serverAdapter'];

export interface DashboardRouterOptions {
  queues: { get(name: QueueName): Queue };
  readOnly: boolean;
  /** @defaultValue every queue, dead-letter included */
  queueNames?: readonly QueueName[];
}

export function createDashboardRouter(options: DashboardRouterOptions): RequestHandler {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_BASE_PATH);
  createBullBoard({
    queues: (options.queueNames ?? ALL_QUEUES).map(name =>
      name === QueueNames.deadLetter
        ? new DeadLetterBoardAdapter(options.queues.get(name), { readOnly: options.readOnly })
        : new BullMQAdapter(options.queues.get(name), { readOnlyMode: options.readOnly }),
    ),
    // @bull-board/express 9.10.1 pins its own copy of @bull-board/api 9.10.1 next to our 9.10.2: the same
    // adapter contract, but TypeScript sees two unrelated declarations of it.
    serverAdapter: serverAdapter as unknown as BoardServerAdapter,
    options: { uiConfig: { boardTitle: 'user-sync' } },
  });
  const board = serverAdapter.getRouter() as Express;
  renderWithoutRemoteLinks(board);
  return board as RequestHandler;
}
