import {
  describeRedisError,
  isRedisCredentialError,
  isTransientRedisError,
  redisErrorCode,
} from '../../../src/errors/redis-error';

const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });

describe('Redis errors (SPEC §6)', () => {
  it.each([
    ["OOM command not allowed when used memory > 'maxmemory'.", 'OOM'],
    ['MOVED 3999 127.0.0.1:6381', 'MOVED'],
    ['ASK 3999 127.0.0.1:6381', 'ASK'],
    ['TRYAGAIN Multiple keys request during rehashing of slot', 'TRYAGAIN'],
    ['CLUSTERDOWN The cluster is down', 'CLUSTERDOWN'],
    ["READONLY You can't write against a read only replica.", 'READONLY'],
    ['LOADING Redis is loading the dataset in memory', 'LOADING'],
    ['MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to no', 'MASTERDOWN'],
  ])('treats %s as transient (%s)', (message, code) => {
    expect(redisErrorCode(reply(message))).toBe(code);
    expect(isTransientRedisError(reply(message))).toBe(true);
    expect(isRedisCredentialError(reply(message))).toBe(false);
  });

  it.each([
    ['WRONGPASS invalid username-password pair or user is disabled.', 'WRONGPASS'],
    ['NOAUTH Authentication required.', 'NOAUTH'],
    ["NOPERM this user has no permissions to run the 'evalsha' command", 'NOPERM'],
    ['ERR AUTH <password> called without any password configured for the default user.', 'WRONGPASS'],
  ])('treats %s as a credential problem, not an outage', (message, code) => {
    expect(redisErrorCode(reply(message))).toBe(code);
    expect(isRedisCredentialError(reply(message))).toBe(true);
    expect(isTransientRedisError(reply(message))).toBe(false);
  });

  it('reads the reply that aborted a transaction, not EXECABORT', () => {
    const aborted = Object.assign(reply('EXECABORT Transaction discarded because of previous errors.'), {
      previousErrors: [reply("OOM command not allowed when used memory > 'maxmemory'.")],
    });
    expect(redisErrorCode(aborted)).toBe('OOM');
    expect(isTransientRedisError(aborted)).toBe(true);
  });

  it('names a refused connection and a cluster it could not reach by the error behind them', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    expect(redisErrorCode(refused)).toBe('ECONNREFUSED');
    expect(isTransientRedisError(refused)).toBe(true);
    const cluster = Object.assign(new Error('Failed to refresh slots cache.'), { lastNodeError: refused });
    expect(redisErrorCode(cluster)).toBe('ECONNREFUSED');
    expect(redisErrorCode(new Error('Failed to refresh slots cache.'))).toBe('CLUSTER_UNREACHABLE');
  });

  it('never treats CROSSSLOT as transient: it is a key layout no retry fixes', () => {
    const crossSlot = reply("CROSSSLOT Keys in request don't hash to the same slot");
    expect(redisErrorCode(crossSlot)).toBe('CROSSSLOT');
    expect(isTransientRedisError(crossSlot)).toBe(false);
  });

  it('leaves other errors alone', () => {
    expect(redisErrorCode(new Error('user 42: name must be a string'))).toBeUndefined();
    expect(isTransientRedisError(new Error('ERR syntax error'))).toBe(false);
  });

  it('describes an error in one line, led by its code', () => {
    expect(describeRedisError(reply('MOVED 3999 127.0.0.1:6381'))).toBe('MOVED 3999 127.0.0.1:6381');
    expect(describeRedisError(new Error('Failed to refresh slots cache.\nmore'))).toBe(
      'CLUSTER_UNREACHABLE: Failed to refresh slots cache.',
    );
  });
});
