import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSubprocessLookup, parseGetentHosts } from '../../../src/net/subprocess-lookup';

/** A stand-in for getent: answers from a script, so no resolver is touched. */
function fakeGetent(dir: string, script: string): string {
  const path = join(dir, 'getent');
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

function lookupAll(
  lookup: LookupFunction,
  hostname: string,
  family = 0,
): Promise<{ error: NodeJS.ErrnoException | null; addresses: LookupAddress[] }> {
  return new Promise(resolve =>
    lookup(hostname, { all: true, family }, (error, addresses) =>
      resolve({ error, addresses: addresses as LookupAddress[] }),
    ),
  );
}

/** Child processes and temp files only: no server is needed, and no resolver is asked but the system's for localhost. */
describe('subprocess lookup', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'user-sync-lookup-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads getent's addresses once each, in its order, of the family asked for", () => {
    const output = [
      '10.89.0.2       STREAM mongo',
      '10.89.0.2       DGRAM  ',
      'fd00::2         STREAM ',
      '10.89.0.3       RAW    ',
      '',
    ].join('\n');
    expect(parseGetentHosts(output, 0)).toEqual([
      { address: '10.89.0.2', family: 4 },
      { address: 'fd00::2', family: 6 },
      { address: '10.89.0.3', family: 4 },
    ]);
    expect(parseGetentHosts(output, 6)).toEqual([{ address: 'fd00::2', family: 6 }]);
  });

  it('answers one address or all of them, as net asks', async () => {
    const command = fakeGetent(dir, 'echo "10.0.0.7 STREAM $2"; echo "10.0.0.8 STREAM"');
    const lookup = createSubprocessLookup({ command });
    expect(await lookupAll(lookup, 'mongo')).toEqual({
      error: null,
      addresses: [
        { address: '10.0.0.7', family: 4 },
        { address: '10.0.0.8', family: 4 },
      ],
    });
    const one = await new Promise(resolve =>
      lookup('mongo', {}, (error, address, family) => resolve({ error, address, family })),
    );
    expect(one).toEqual({ error: null, address: '10.0.0.7', family: 4 });
  });

  it('fails a name that does not resolve with ENOTFOUND, as getaddrinfo does', async () => {
    const lookup = createSubprocessLookup({ command: fakeGetent(dir, 'exit 2') });
    const { error } = await lookupAll(lookup, 'nowhere');
    expect(error).toMatchObject({ code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'nowhere' });
  });

  it('gives up on a lookup that hangs after its timeout, with EAI_AGAIN', async () => {
    const lookup = createSubprocessLookup({ command: fakeGetent(dir, 'exec sleep 30'), timeoutMs: 200 });
    const started = Date.now();
    const { error } = await lookupAll(lookup, 'mongo');
    expect(error).toMatchObject({ code: 'EAI_AGAIN', hostname: 'mongo' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('runs one child for lookups of the same name that overlap', async () => {
    const calls = join(dir, 'calls');
    const command = fakeGetent(dir, `echo x >> ${calls}; sleep 0.2; echo "10.0.0.7 STREAM"`);
    const lookup = createSubprocessLookup({ command });
    const results = await Promise.all([1, 2, 3].map(() => lookupAll(lookup, 'mongo')));
    expect(results.map(result => result.addresses)).toEqual(
      Array(3).fill([{ address: '10.0.0.7', family: 4 }]),
    );
    expect(readFileSync(calls, 'utf8')).toBe('x\n');
  });

  it('falls back to dns.lookup where there is no getent', async () => {
    const lookup = createSubprocessLookup({ command: join(dir, 'no-such-getent') });
    const { error, addresses } = await lookupAll(lookup, 'localhost', 4);
    expect(error).toBeNull();
    expect(addresses).toContainEqual({ address: '127.0.0.1', family: 4 });
  });
});
