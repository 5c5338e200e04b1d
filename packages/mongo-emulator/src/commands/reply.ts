/** The parts every reply shares: the cluster time, and the shape of a failure. */
import { Binary, Long } from 'bson';
import type { ClusterClock, Document } from '../types';
import { MongoCommandError } from '../types';

/** Drivers only gossip $clusterTime back; with no auth the signature is all zeros, like mongod without keys. */
const EMPTY_SIGNATURE = { hash: new Binary(Buffer.alloc(20), 0), keyId: Long.fromNumber(0) };

export function withClusterTime(reply: Document, clock: ClusterClock): Document {
  const now = clock.now();
  reply.$clusterTime = { clusterTime: now, signature: EMPTY_SIGNATURE };
  reply.operationTime = now;
  return reply;
}

/** `{ok: 0, errmsg, code, codeName, errorLabels?, ...extra}`; an unexpected throw becomes InternalError. */
export function errorReply(error: unknown, labels: string[] = []): Document {
  if (error instanceof MongoCommandError) {
    const allLabels = [...new Set([...error.errorLabels, ...labels])];
    return {
      ok: 0,
      errmsg: error.message,
      code: error.code,
      codeName: error.codeName,
      ...(allLabels.length > 0 ? { errorLabels: allLabels } : {}),
      ...error.extra,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ok: 0, errmsg: message, code: 1, codeName: 'InternalError' };
}
