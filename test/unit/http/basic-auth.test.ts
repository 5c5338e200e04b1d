import type { Request, Response } from 'express';
import { basicAuth, parseBasicAuth } from '../../../src/http/basic-auth';

const header = (credentials: string) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;

describe('parseBasicAuth', () => {
  it('reads user and password, the password may contain colons', () => {
    expect(parseBasicAuth(header('ops:a:b c'))).toEqual({ user: 'ops', password: 'a:b c' });
    expect(parseBasicAuth(header('ünï:cödé'))).toEqual({ user: 'ünï', password: 'cödé' });
  });

  it('rejects what is not basic auth', () => {
    expect(parseBasicAuth(undefined)).toBeUndefined();
    expect(parseBasicAuth('Bearer abc')).toBeUndefined();
    expect(parseBasicAuth(header('no-colon'))).toBeUndefined();
    expect(parseBasicAuth('Basic !!!')).toBeUndefined();
  });
});

describe('basicAuth', () => {
  const guard = basicAuth({ user: 'ops', password: 'secret' });

  function attempt(authorization?: string) {
    const res = {
      statusCode: 200,
      headers: {} as Record<string, string>,
      body: undefined as unknown,
      status(code: number) {
        this.statusCode = code;
        return this;
      },
      set(name: string, value: string) {
        this.headers[name] = value;
        return this;
      },
      json(body: unknown) {
        this.body = body;
        return this;
      },
    };
    let passed = false;
    guard({ headers: { authorization } } as Request, res as unknown as Response, () => void (passed = true));
    return { passed, res };
  }

  it('lets the right credentials through', () => {
    expect(attempt(header('ops:secret')).passed).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['wrong password', header('ops:secrets')],
    ['wrong user', header('root:secret')],
    ['password prefix', header('ops:secre')],
    ['empty', header(':')],
    ['other scheme', 'Bearer secret'],
  ])('answers 401 with a challenge for %s', (_case, authorization) => {
    const { passed, res } = attempt(authorization);
    expect(passed).toBe(false);
    expect(res.statusCode).toBe(401);
    expect(res.headers['WWW-Authenticate']).toMatch(/^Basic realm="[^"]+", charset="UTF-8"$/);
  });
});
