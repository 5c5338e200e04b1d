import { Writable } from 'node:stream';
import { createLogger } from '../../../src/logging/create-logger';
import { scrubText } from '../../../src/logging/scrub-secrets';

// Driver errors quote the offending document in their message, and the message is copied into the stack:
// that is how an email or a phone reaches a log line without ever being a field we could redact by name.
const DUP_PHONE =
  'E11000 duplicate key error collection: app._users index: phone_1 dup key: { phone: "+1-555-0100" }';

const PHONES = [
  '+1-555-0100',
  '+15550100',
  '+1 (555) 010-0100',
  '+44 20 7946 0958',
  '(555) 010-0100',
  '555.010.0100',
];
const EMAILS = [
  'jane.doe@example.com',
  'JANE.DOE@EXAMPLE.COM',
  'Jane.Doe@Example.Co.Uk',
  "o'brien@example.io",
];

/** Every line the logger writes, parsed: a scrub that breaks the JSON fails here too. */
function capture(log: (logger: ReturnType<typeof createLogger>) => void): { text: string; lines: unknown[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  log(createLogger({ logLevel: 'info', logPretty: false, destination }));
  const text = chunks.join('');
  return {
    text,
    lines: text
      .split('\n')
      .filter(Boolean)
      .map(line => JSON.parse(line) as unknown),
  };
}

function expectNoContact(text: string): void {
  for (const phone of PHONES) expect(text).not.toContain(phone);
  for (const email of EMAILS) expect(text.toLowerCase()).not.toContain(email.toLowerCase());
  expect(text).not.toMatch(/@example\./i);
  expect(text).not.toMatch(/555.?0100/);
}

describe('scrubText on free text', () => {
  it.each([
    [DUP_PHONE, 'dup key: { phone: "[Redacted]" }'],
    ["dup key: { phone: '5550100' }", "{ phone: '[Redacted]' }"],
    ['{"phone":"+1-555-0100","name":"Jane"}', '{"phone":"[Redacted]","name":"Jane"}'],
    ['retry with phone=5550100 later', 'phone=[Redacted] later'],
    ['dup key: { email: "not an address" }', '{ email: "[Redacted]" }'],
    ['GET /users?email=jane.doe%40example.com&page=2', 'email=[Redacted]&page=2'],
    ...PHONES.map(phone => [`call ${phone} now`, 'call [Redacted] now']),
    ...EMAILS.map(email => [`sent to ${email}, bounced`, 'sent to [Redacted], bounced']),
  ])('scrubs %s', (input, expected) => {
    const scrubbed = scrubText(input);
    expect(scrubbed).toContain(expected);
    expectNoContact(scrubbed);
  });

  // What an operator needs to read a line: none of these may be mistaken for an email or a phone.
  it.each([
    'user 507f1f77bcf86cd799439011 on order 65a1b2c3d4e5f60718293a4b',
    'at 2026-12-07T23:47:04.123Z (2026-12-07 23:47:04 +01:00) time 1796687306673',
    'mongodb://127.0.0.1:27017/app and localhost:6379, MOVED 3999 10.0.0.12:6381',
    'processed 1234567 of 5000000 jobs in 1500 ms, attempt +1 of 5, backoff 500-1000 ms',
    'job 123e4567-e89b-12d3-a456-426614174000 on bullmq@6.7.0',
    'index: phone_1 dup key, email: Path `email` is required, phoneCount: 3',
  ])('keeps %s', input => {
    expect(scrubText(input)).toBe(input);
  });
});

describe('log lines carry no email and no phone', () => {
  it('scrubs them from an error message and stack, logged bare or as err', () => {
    const error = new Error(`${DUP_PHONE} for JANE.DOE@EXAMPLE.COM`);
    const { text, lines } = capture(logger => {
      logger.error(error);
      logger.error({ err: error }, 'write failed');
      logger.warn({ job: { failedReason: error.message, stacktrace: [error.stack] } }, 'dead-lettered');
    });
    expect(lines).toHaveLength(3);
    expectNoContact(text);
    expect(lines[0]).toMatchObject({
      err: { stack: expect.stringContaining('dup key: { phone: "[Redacted]" }') },
    });
  });

  it('scrubs them from messages and format arguments without breaking the JSON escapes around them', () => {
    const { text, lines } = capture(logger => {
      logger.info('first line\njane.doe@example.com\t+1-555-0100\n(555) 010-0100');
      logger.info('owner %s, phone %s', 'Jane.Doe@Example.Co.Uk', '+44 20 7946 0958');
      logger.info('dup key: { phone: "555.0100" }, retried with phone=5550100');
      logger.info({ detail: 'quoted: {"phone":"+15550100","email":"o\'brien@example.io"}' }, 'nested');
    });
    expect(lines).toHaveLength(4);
    expectNoContact(text);
    expect(lines[0]).toMatchObject({ msg: 'first line\n[Redacted]\t[Redacted]\n[Redacted]' });
    expect(lines[2]).toMatchObject({
      msg: 'dup key: { phone: "[Redacted]" }, retried with phone=[Redacted]',
    });
  });

  it('keeps the JSON of a log line whole when a message ends right after a label', () => {
    const { lines } = capture(logger => {
      logger.warn({ queue: 'owner-sync' }, 'no email: ');
      logger.warn({ queue: 'owner-sync', note: "it's fine" }, "phone: '");
      logger.warn({ queue: 'owner-sync' }, 'phone: "');
    });
    expect(lines).toEqual([
      expect.objectContaining({ queue: 'owner-sync', msg: 'no email: ' }),
      expect.objectContaining({ queue: 'owner-sync', note: "it's fine", msg: "phone: '" }),
      expect.objectContaining({ queue: 'owner-sync', msg: 'phone: "' }),
    ]);
  });
});
