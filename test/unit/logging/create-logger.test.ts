import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../src/logging/create-logger';

/** An in-memory destination: every line pino writes, as written. */
function memoryDestination() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  return { stream, lines, text: () => lines.join('\n') };
}

const SECRETS = {
  email: 'jane.doe@example.com',
  phone: '+1-555-0100',
  password: 'hunter2-correct-horse',
  urlPassword: 'mongo-pa55',
  redisPassword: 'redis-pa55',
};

function expectNoSecrets(text: string) {
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
  // A generic address check too: scrubbing must not just target the literal above.
  expect(text).not.toMatch(/[a-z0-9.]+@example\.com/i);
}

describe('createLogger', () => {
  let memory: ReturnType<typeof memoryDestination>;
  let logger: Logger;

  beforeEach(() => {
    memory = memoryDestination();
    logger = createLogger({ logLevel: 'trace', logPretty: false, destination: memory.stream });
  });

  it('writes one JSON line per call with level, message and bindings', () => {
    logger.child({ role: 'worker', queue: 'owner-sync', jobId: '42' }).info({ attempt: 2 }, 'job started');
    expect(memory.lines).toHaveLength(1);
    const line = JSON.parse(memory.lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 30,
      msg: 'job started',
      service: 'user-sync',
      role: 'worker',
      queue: 'owner-sync',
      jobId: '42',
      attempt: 2,
    });
  });

  it('keeps the non-secret fields of a scrubbed object', () => {
    logger.info({ user: { _id: 'u1', name: 'Jane', email: SECRETS.email } }, 'user changed');
    const line = JSON.parse(memory.lines[0] ?? '{}') as { user: Record<string, unknown> };
    expect(line.user).toEqual({ _id: 'u1', name: 'Jane', email: '[Redacted]' });
  });

  it('redacts email, phone and password at every depth', () => {
    logger.info({ email: SECRETS.email, phone: SECRETS.phone, password: SECRETS.password }, 'top level');
    logger.info({ user: { email: SECRETS.email, phone: SECRETS.phone } }, 'one deep');
    logger.info(
      {
        event: {
          operationType: 'update',
          fullDocument: { name: 'Jane', email: SECRETS.email, contact: { phone: SECRETS.phone } },
          updateDescription: {
            updatedFields: { 'owner.email': SECRETS.email, 'profile.phone': SECRETS.phone },
          },
        },
      },
      'change event',
    );
    logger.info(
      { a: { b: { c: { d: { e: { f: { credentials: { user: 'x', pwd: SECRETS.password } } } } } } } },
      'six deep',
    );
    logger.info({ responsible: [{ id: 1, email: SECRETS.email, phone: SECRETS.phone }] }, 'in arrays');
    logger.info({ headers: { Authorization: `Basic ${SECRETS.password}` } }, 'header');
    expect(memory.lines).toHaveLength(6);
    expectNoSecrets(memory.text());
    expect(memory.text()).toContain('[Redacted]');
  });

  it('redacts secrets in child logger bindings', () => {
    logger
      .child({ role: 'listener', user: { email: SECRETS.email }, password: SECRETS.password })
      .warn('bound');
    expect(memory.lines).toHaveLength(1);
    expectNoSecrets(memory.text());
  });

  it('masks URL credentials in fields, messages and format arguments', () => {
    logger.info({ mongoUrl: `mongodb://admin:${SECRETS.urlPassword}@db:27017/app` }, 'field');
    logger.info(`connecting to redis://:${SECRETS.redisPassword}@cache:6379`);
    logger.info('connecting to %s', `mongodb+srv://svc:${SECRETS.urlPassword}@cluster.example.net/app`);
    logger.info({ nested: { deeper: [`amqp://guest:${SECRETS.urlPassword}@mq`] } }, 'array');
    expectNoSecrets(memory.text());
    expect(memory.text()).toContain('mongodb://admin:***@db:27017/app');
    expect(memory.text()).toContain('redis://:***@cache:6379');
  });

  it('scrubs errors: message, stack, own fields and causes', () => {
    const cause = new Error(`auth failed for mongodb://root:${SECRETS.urlPassword}@db:27017`);
    const error = Object.assign(
      new Error(
        `E11000 duplicate key: { email: "${SECRETS.email}" } via redis://:${SECRETS.redisPassword}@r`,
        {
          cause,
        },
      ),
      { keyValue: { email: SECRETS.email }, details: { user: { phone: SECRETS.phone } } },
    );
    logger.error(error);
    logger.error({ err: error }, 'with a message');
    logger.warn({ job: { id: '1', lastError: error } }, 'nested error');
    logger.child({ err: error }).info('error in bindings');
    expect(memory.lines).toHaveLength(4);
    expectNoSecrets(memory.text());
    const first = JSON.parse(memory.lines[0] ?? '{}') as { err: { type: string; stack: string } };
    expect(first.err.type).toBe('Error');
    expect(first.err.stack).toContain('E11000 duplicate key');
    expect(first.err.stack).toContain('caused by');
  });

  it('survives circular references', () => {
    const node: Record<string, unknown> = { name: 'loop', email: SECRETS.email };
    node.self = node;
    logger.info({ node }, 'circular');
    expect(memory.lines).toHaveLength(1);
    expectNoSecrets(memory.text());
  });

  it('keeps secrets out of pretty output as well', () => {
    const pretty = memoryDestination();
    const prettyLogger = createLogger({ logLevel: 'info', logPretty: true, destination: pretty.stream });
    prettyLogger.info(
      {
        user: { email: SECRETS.email, phone: SECRETS.phone },
        url: `mongodb://u:${SECRETS.urlPassword}@h/db`,
      },
      'pretty',
    );
    expect(pretty.text()).toContain('pretty');
    expect(() => JSON.parse(pretty.lines[0] ?? '')).toThrow();
    expectNoSecrets(pretty.text());
  });

  it('honours the level', () => {
    const quiet = memoryDestination();
    const warnOnly = createLogger({ logLevel: 'warn', logPretty: false, destination: quiet.stream });
    warnOnly.info('dropped');
    warnOnly.warn('kept');
    expect(quiet.lines).toHaveLength(1);
    expect(quiet.text()).toContain('kept');
  });
});
