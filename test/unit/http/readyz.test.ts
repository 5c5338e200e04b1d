import { readyz } from '../../../src/http/endpoints/readyz';
import { healthz } from '../../../src/http/endpoints/healthz';
import { changeStreamProbe, type ReadinessProbe } from '../../../src/http/readiness-probe';
import { withTimeout } from '../../../src/http/with-timeout';

const ok = (name: string): ReadinessProbe => ({ name, check: async () => {} });
const failing = (name: string, reason: string): ReadinessProbe => ({
  name,
  check: async () => {
    throw new Error(reason);
  },
});

describe('readyz', () => {
  it('is 200 when every check passes', async () => {
    expect(await readyz({ probes: [ok('mongodb'), ok('redis')], draining: false })).toEqual({
      status: 200,
      body: { status: 'ready', checks: { mongodb: 'ok', redis: 'ok' } },
    });
  });

  it('is 503 naming every failed check and why', async () => {
    expect(
      await readyz({
        probes: [failing('mongodb', 'no primary'), ok('redis'), failing('change-stream', 'closed')],
        draining: false,
      }),
    ).toEqual({
      status: 503,
      body: {
        status: 'not ready',
        failed: ['mongodb', 'change-stream'],
        checks: { mongodb: 'no primary', redis: 'ok', 'change-stream': 'closed' },
      },
    });
  });

  it('is 503 while shutting down, whatever the checks say', async () => {
    const response = await readyz({ probes: [ok('redis')], draining: true });
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ failed: ['shutdown'] });
  });
});

describe('healthz', () => {
  it('is 200 without looking at anything', () => {
    expect(healthz()).toEqual({ status: 200, body: { status: 'ok' } });
  });
});

describe('changeStreamProbe', () => {
  const stats = (leader: boolean, streamOpen: boolean, streamFailures = 0) => ({
    leader,
    streamOpen,
    streamFailures,
    lastStreamFailure: streamFailures > 0 ? 'connection reset' : null,
  });

  it('passes only while the stream is open', async () => {
    await expect(changeStreamProbe(stats(true, true)).check()).resolves.toBeUndefined();
    await expect(changeStreamProbe(stats(true, false)).check()).rejects.toThrow(/not open/);
    await expect(changeStreamProbe(stats(false, false)).check()).rejects.toThrow(/standing by/);
  });

  it('says how often and why a leading stream keeps closing', async () => {
    await expect(changeStreamProbe(stats(true, false, 7)).check()).rejects.toThrow(
      'this listener leads but its change stream keeps closing (7 times in a row): connection reset',
    );
  });
});

describe('withTimeout', () => {
  it('rejects a promise that does not settle in time, naming what it waited for', async () => {
    await expect(withTimeout(new Promise(() => {}), 10, 'Redis PING')).rejects.toThrow(
      /Redis PING: no answer within 10 ms/,
    );
    await expect(withTimeout(Promise.resolve('PONG'), 10, 'Redis PING')).resolves.toBe('PONG');
  });
});
