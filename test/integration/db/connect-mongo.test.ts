import { Writable } from 'node:stream';
import { connectMongo } from '../../../src/db/connect-mongo';
import { createLogger } from '../../../src/logging/create-logger';
import { freePort } from '../../../src/dev/free-port';
import { assertNothingLeaked, trackMongooseConnection } from '../../support/leak-guard';
import { acquireTestMongo, type TestMongo } from '../../support/mongo';

const lines: string[] = [];
const logger = createLogger({
  logLevel: 'info',
  logPretty: false,
  destination: new Writable({
    write: (chunk: Buffer, _encoding, callback) => {
      lines.push(chunk.toString());
      callback();
    },
  }),
});

describe('connectMongo', () => {
  let mongo: TestMongo;

  beforeAll(async () => {
    mongo = await acquireTestMongo();
  });
  afterAll(async () => {
    await mongo.release();
  });
  afterEach(() => assertNothingLeaked());

  it('opens the database named by config and closes idempotently', async () => {
    const database = mongo.databaseName();
    const connected = await connectMongo({ mongoUrl: mongo.uri, mongoDatabase: database }, logger);
    trackMongooseConnection(connected.connection);
    expect(connected.db.databaseName).toBe(database);
    await connected.db.collection('probe').insertOne({ ok: 1 });
    expect(await connected.connection.db?.collection('probe').countDocuments()).toBe(1);
    await Promise.all([connected.close(), connected.close()]);
    expect(connected.connection.readyState).toBe(0);
  });

  it('fails fast, without leaking, when no server answers, and never logs the password', async () => {
    const port = await freePort();
    lines.length = 0;
    const started = Date.now();
    await expect(
      connectMongo(
        {
          mongoUrl: `mongodb://svc:hunter2@127.0.0.1:${port}/app?directConnection=true`,
          mongoDatabase: 'app',
        },
        logger,
        { serverSelectionTimeoutMS: 300 },
      ),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(lines.join('')).not.toContain('hunter2');
  });
});
