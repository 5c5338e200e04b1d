/**
 * Server-level commands drivers, mongoose and tools send around connecting: mostly fixed answers that
 * describe a MongoDB 7.0 primary.
 */
import os from 'node:os';
import { Long } from 'bson';
import type { Document } from '../types';
import { MAX_BSON_OBJECT_SIZE } from '../wire/op-codes';
import type { CommandContext, CommandTable } from './command-context';
import { REPLICA_SET_NAME } from './handshake';
import { matchesNameFilter } from './name-filter';

export const SERVER_VERSION = '7.0.0';

function buildInfo(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'user-sync-mongo-emulator',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['emulator'],
    javascriptEngine: 'none',
    modules: [],
    allocator: 'system',
    openssl: { running: 'disabled' },
    ok: 1,
  };
}

function listDatabases(ctx: CommandContext): Document {
  const filter = ctx.command.filter as Document | undefined;
  const databases = ctx.server.engine.listDatabases().filter(db => matchesNameFilter(db.name, filter));
  if (ctx.command.nameOnly === true) return { databases: databases.map(({ name }) => ({ name })), ok: 1 };
  const totalSize = databases.reduce((sum, db) => sum + db.sizeOnDisk, 0);
  return { databases, totalSize, totalSizeMb: Math.round(totalSize / (1024 * 1024)), ok: 1 };
}

const PARAMETERS: Document = {
  featureCompatibilityVersion: { version: '7.0' },
  authenticationMechanisms: [],
  transactionLifetimeLimitSeconds: 60,
  enableTestCommands: true,
};

/** `{getParameter: 1, name: 1}` returns the named ones; `getParameter: '*'` returns all. */
function getParameter(ctx: CommandContext): Document {
  const all = ctx.command.getParameter === '*';
  const reply: Document = {};
  for (const [name, value] of Object.entries(PARAMETERS)) {
    if (all || name in ctx.command) reply[name] = value;
  }
  return { ...reply, ok: 1 };
}

function getLog(ctx: CommandContext): Document {
  if (ctx.command.getLog === '*') return { names: ['global', 'startupWarnings'], ok: 1 };
  return { totalLinesWritten: 0, log: [], ok: 1 };
}

function serverStatus(ctx: CommandContext): Document {
  const { identity, connectionCounts } = ctx.server;
  const uptimeMillis = Date.now() - identity.startedAt.getTime();
  const { current, totalCreated } = connectionCounts();
  return {
    host: identity.address,
    version: SERVER_VERSION,
    process: 'mongod',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis: Long.fromNumber(uptimeMillis),
    localTime: new Date(),
    connections: { current, available: 1_000_000 - current, totalCreated },
    repl: {
      setName: REPLICA_SET_NAME,
      isWritablePrimary: true,
      primary: identity.address,
      me: identity.address,
    },
    ok: 1,
  };
}

function hostInfo(): Document {
  return {
    system: {
      currentTime: new Date(),
      hostname: os.hostname(),
      cpuAddrSize: 64,
      memSizeMB: Long.fromNumber(Math.round(os.totalmem() / (1024 * 1024))),
      numCores: os.cpus().length,
      cpuArch: os.arch(),
    },
    os: { type: os.type(), name: os.platform(), version: os.release() },
    extra: {},
    ok: 1,
  };
}

function replSetGetStatus(ctx: CommandContext): Document {
  const { address, startedAt } = ctx.server.identity;
  const member = {
    _id: 0,
    name: address,
    health: 1,
    state: 1,
    stateStr: 'PRIMARY',
    self: true,
    uptime: Math.floor((Date.now() - startedAt.getTime()) / 1000),
  };
  return { set: REPLICA_SET_NAME, date: new Date(), myState: 1, members: [member], ok: 1 };
}

export const adminCommands: CommandTable = {
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  listDatabases,
  getParameter,
  getLog,
  serverStatus,
  hostInfo,
  replSetGetStatus,
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  whatsmyuri: ctx => ({ you: ctx.connection.remoteAddress, ok: 1 }),
  getCmdLineOpts: () => ({
    argv: ['mongod', '--replSet', REPLICA_SET_NAME],
    parsed: { replication: { replSet: REPLICA_SET_NAME } },
    ok: 1,
  }),
};
