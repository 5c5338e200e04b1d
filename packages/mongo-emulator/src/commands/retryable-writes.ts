/**
 * What mongod keeps in config.transactions for retryable writes: the reply of each session's latest write,
 * so a driver retrying it after a lost reply or a writeConcernError gets that reply instead of running the
 * write twice (a second insert of the same _id would fail with a duplicate key, a second $inc count twice).
 */
import type { Document } from '../types';
import { MongoCommandError } from '../types';
import { toBigInt } from './numbers';

const RETRYABLE_WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify']);
/** Sessions remembered; the oldest is forgotten first (mongod expires them after 30 minutes idle). */
const MAX_SESSIONS = 10_000;

interface LastWrite {
  txnNumber: bigint;
  reply: Document;
}

export class RetryableWriteHistory {
  private readonly sessions = new Map<string, LastWrite>();

  /** The stored reply when `command` retries its session's latest write; throws for an older one. */
  replay(name: string, command: Document): Document | undefined {
    const key = retryableWriteKey(name, command);
    if (key === undefined) return undefined;
    const last = this.sessions.get(key.session);
    if (last === undefined || key.txnNumber > last.txnNumber) return undefined;
    if (key.txnNumber < last.txnNumber) {
      throw new MongoCommandError(
        225,
        'TransactionTooOld',
        `Retryable write with txnNumber ${key.txnNumber} is prohibited on session because a newer ` +
          `retryable write with txnNumber ${last.txnNumber} has already started on this session.`,
      );
    }
    // Shallow: a reply's top level gets this exchange's $clusterTime and labels; nothing below is changed.
    return { ...last.reply };
  }

  record(name: string, command: Document, reply: Document): void {
    const key = retryableWriteKey(name, command);
    if (key === undefined || reply.ok !== 1) return;
    this.sessions.delete(key.session);
    this.sessions.set(key.session, { txnNumber: key.txnNumber, reply: { ...reply } });
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
  }
}

/** A write with txnNumber outside a transaction (no autocommit) is a retryable write. */
function retryableWriteKey(
  name: string,
  command: Document,
): { session: string; txnNumber: bigint } | undefined {
  if (!RETRYABLE_WRITE_COMMANDS.has(name) || command.autocommit !== undefined) return undefined;
  const txnNumber = toBigInt(command.txnNumber);
  const id = (command.lsid as { id?: { toString(encoding: 'hex'): string } } | undefined)?.id;
  if (txnNumber === undefined || id === undefined) return undefined;
  return { session: id.toString('hex'), txnNumber };
}
