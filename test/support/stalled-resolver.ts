/**
 * Name lookups that stop being answered, for one child process. The child runs in a mount namespace of its
 * own, where /etc/hosts and /etc/resolv.conf are this helper's files: the hosts file names the test's hosts
 * until `stall()` empties it, and resolv.conf sends every other lookup to a DNS server that takes queries
 * and never answers. That is what a podman network's aardvark-dns does for 10-40 s while compose starts
 * or stops a neighbour: a lookup in flight then waits out the resolver's whole timeout (20 s here).
 *
 * Needs root, as the integration tests have here: the silent server listens on UDP port 53 (resolv.conf
 * has no port), and the child mounts over /etc with `unshare --mount`.
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackResource } from './leak-guard';

export interface StalledResolver {
  /** Command prefix that runs a program in the namespace: `[...wrap, program, ...args]`. */
  wrap: string[];
  /** From now on the test's host names resolve only through the silent server. */
  stall(): void;
  /** Resolves once the silent server was asked for `name` (a lookup is now hanging). */
  waitForQuery(name: string, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** The query name of a DNS message: length-prefixed labels from byte 12. */
function questionName(message: Buffer): string {
  const labels: string[] = [];
  for (let at = 12; at < message.length && message[at] !== 0; at += message[at] + 1)
    labels.push(message.subarray(at + 1, at + 1 + message[at]).toString('latin1'));
  return labels.join('.');
}

export async function startStalledResolver(hosts: Record<string, string>): Promise<StalledResolver> {
  if (process.getuid?.() !== 0)
    throw new Error('the stalled-resolver tests need root (a DNS server on UDP port 53, unshare --mount)');
  const dir = mkdtempSync(join(tmpdir(), 'user-sync-resolver-'));
  const hostsFile = join(dir, 'hosts');
  const resolvFile = join(dir, 'resolv.conf');
  const hostLines = Object.entries(hosts).map(([name, address]) => `${address} ${name}\n`);
  writeFileSync(hostsFile, `127.0.0.1 localhost\n${hostLines.join('')}`);

  // An address of its own in 127/8, so parallel runs never share a server.
  const address = `127.53.${1 + Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
  const server = createSocket('udp4');
  const asked: string[] = [];
  const waiters: (() => void)[] = [];
  server.on('message', message => {
    asked.push(questionName(message));
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.bind(53, address, () => resolve());
  });
  let open = true;
  trackResource(server, 'udp socket', `silent DNS server on ${address}:53`, () => open);
  writeFileSync(resolvFile, `nameserver ${address}\noptions timeout:20 attempts:1\n`);

  return {
    wrap: [
      'unshare',
      '--mount',
      'sh',
      '-c',
      `mount --bind ${resolvFile} /etc/resolv.conf && mount --bind ${hostsFile} /etc/hosts && exec "$0" "$@"`,
    ],
    // Rewritten in place: the bind mount holds the file itself, and the resolver reads it on every lookup.
    stall: () => writeFileSync(hostsFile, '127.0.0.1 localhost\n'),
    waitForQuery: (name, timeoutMs) =>
      new Promise((resolve, reject) => {
        const deadline = setTimeout(() => {
          reject(new Error(`no lookup of ${name} within ${timeoutMs} ms (asked: ${asked.join(', ')})`));
        }, timeoutMs);
        const check = () => {
          if (asked.some(query => query === name || query.startsWith(`${name}.`))) {
            clearTimeout(deadline);
            resolve();
          } else waiters.push(check);
        };
        check();
      }),
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => {
          open = false;
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
