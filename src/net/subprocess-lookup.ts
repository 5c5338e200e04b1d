/**
 * Host name lookups for the service's own connections (MongoDB, Redis), made by `getent` in a child
 * process instead of by getaddrinfo on libuv's thread pool.
 *
 * Why: Node cannot cancel a getaddrinfo call, and `process.exit` waits for it, because libuv joins its
 * pool threads on the way out. One lookup stuck on a DNS server that does not answer therefore holds a
 * finished shutdown, and the forced exit of SHUTDOWN_TIMEOUT_MS too, for as long as the resolver retries:
 * in a podman network, 20 s and more (two names, `x.dns.podman` then `x`, each tried twice for 5 s). The
 * MongoDB driver opens connections on its own schedule (its round-trip pinger 10 s after connecting, pool
 * refills, reconnects), so such a lookup can be in flight at any moment. A child process left behind
 * delays nothing: the exit does not wait for it, and in a container it dies with PID 1.
 *
 * getent asks the same NSS sources as getaddrinfo (hosts file, DNS with the search domains, ...), so names
 * resolve as before. Where there is no usable getent (macOS, Windows), dns.lookup does the lookup.
 */
import { execFile } from 'node:child_process';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

export interface SubprocessLookupOptions {
  /** @defaultValue 'getent' */
  command?: string;
  /** A lookup still unanswered after this fails with EAI_AGAIN and its child is killed. @defaultValue 15000 */
  timeoutMs?: number;
}

/** getent's exit code when the name does not resolve (any getaddrinfo error). */
const GETENT_NOT_FOUND = 2;

function lookupError(code: 'ENOTFOUND' | 'EAI_AGAIN', hostname: string, detail = ''): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ${code} ${hostname}${detail}`), {
    code,
    syscall: 'getaddrinfo',
    hostname,
  });
}

/** `getent ahosts` prints each address once per socket type: "10.89.0.2  STREAM mongo". */
export function parseGetentHosts(output: string, family: number): LookupAddress[] {
  const seen = new Set<string>();
  const addresses: LookupAddress[] = [];
  for (const line of output.split('\n')) {
    const address = line.trim().split(/\s+/)[0] ?? '';
    const addressFamily = isIP(address);
    if (addressFamily === 0 || seen.has(address)) continue;
    if (family !== 0 && addressFamily !== family) continue;
    seen.add(address);
    addresses.push({ address, family: addressFamily });
  }
  return addresses;
}

export function createSubprocessLookup(options: SubprocessLookupOptions = {}): LookupFunction {
  const command = options.command ?? 'getent';
  const timeoutMs = options.timeoutMs ?? 15_000;
  let usable = true;
  // Connections opened together (a pool filling up) share one child per name.
  const inFlight = new Map<string, Promise<LookupAddress[]>>();

  const run = (hostname: string, family: number): Promise<LookupAddress[]> =>
    new Promise((resolve, reject) => {
      const database = family === 4 ? 'ahostsv4' : family === 6 ? 'ahostsv6' : 'ahosts';
      execFile(
        command,
        [database, hostname],
        { timeout: timeoutMs, killSignal: 'SIGKILL', windowsHide: true },
        (error, stdout) => {
          if (error === null) {
            const addresses = parseGetentHosts(stdout, family);
            if (addresses.length > 0) resolve(addresses);
            else reject(lookupError('ENOTFOUND', hostname));
            return;
          }
          if (error.killed) reject(lookupError('EAI_AGAIN', hostname, ` (no answer within ${timeoutMs} ms)`));
          else if (error.code === GETENT_NOT_FOUND) reject(lookupError('ENOTFOUND', hostname));
          // No getent (ENOENT), or one that does not know `ahosts` (exit 1): the thread pool it is.
          else reject(Object.assign(error, { unusableCommand: true }));
        },
      );
    });

  const lookup = (
    hostname: string,
    lookupOptions: Parameters<LookupFunction>[1],
    callback: Parameters<LookupFunction>[2],
  ): void => {
    if (!usable) {
      dnsLookup(hostname, lookupOptions, callback);
      return;
    }
    const { family: asked } = lookupOptions;
    const wanted = asked === 4 || asked === 'IPv4' ? 4 : asked === 6 || asked === 'IPv6' ? 6 : 0;
    // Not a host name getent could take for an option.
    if (hostname.startsWith('-')) {
      process.nextTick(callback, lookupError('ENOTFOUND', hostname), '', 0);
      return;
    }
    const key = `${wanted}:${hostname}`;
    let pending = inFlight.get(key);
    if (pending === undefined) {
      pending = run(hostname, wanted).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    pending.then(
      addresses => {
        if (lookupOptions.all === true) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException & { unusableCommand?: boolean }) => {
        if (error.unusableCommand === true) {
          usable = false;
          dnsLookup(hostname, lookupOptions, callback);
        } else callback(error, '', 0);
      },
    );
  };
  return lookup as LookupFunction;
}

/** The lookup every connection of the service uses. */
export const subprocessLookup = createSubprocessLookup();
