/** Every `user-sync` command, in the order `--help` lists them (SPEC §3). One file per command. */
import type { CommandDefinition } from '../command-definition';
import { allCommand } from './all';
import { dashboardCommand } from './dashboard';
import { devCommand } from './dev';
import { importIdentitiesCommand } from './import-identities';
import { listenerCommand } from './listener';
import { mongoEmulatorCommand } from './mongo-emulator';
import { replayCommand } from './replay';
import { resyncCommand } from './resync';
import { retryCommand } from './retry';
import { verifyCommand } from './verify';
import { webhooksCommand } from './webhooks';
import { workerCommand } from './worker';

export const COMMANDS: readonly CommandDefinition[] = [
  listenerCommand,
  workerCommand,
  dashboardCommand,
  webhooksCommand,
  allCommand,
  devCommand,
  replayCommand,
  retryCommand,
  resyncCommand,
  importIdentitiesCommand,
  verifyCommand,
  mongoEmulatorCommand,
];
