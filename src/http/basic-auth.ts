/**
 * HTTP basic auth for the dashboard. Both the user and the password are compared in constant time: each
 * side is hashed first (timingSafeEqual needs equal lengths, and a digest does not reveal the secret's
 * length), and both comparisons always run, so the response time says nothing about which part was wrong.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

export const BASIC_AUTH_REALM = 'user-sync dashboard';

export function basicAuth(expected: { user: string; password: string }): RequestHandler {
  const expectedUser = digest(expected.user);
  const expectedPassword = digest(expected.password);
  return (req, res, next) => {
    const given = parseBasicAuth(req.headers.authorization);
    const userMatches = timingSafeEqual(digest(given?.user ?? ''), expectedUser);
    const passwordMatches = timingSafeEqual(digest(given?.password ?? ''), expectedPassword);
    if (given !== undefined && userMatches && passwordMatches) {
      next();
      return;
    }
    res
      .status(401)
      .set('WWW-Authenticate', `Basic realm="${BASIC_AUTH_REALM}", charset="UTF-8"`)
      .json({ error: 'unauthorized' });
  };
}

export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const match = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
