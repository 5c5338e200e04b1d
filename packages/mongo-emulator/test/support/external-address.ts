import os from 'node:os';

/** An IPv4 address of this machine other than loopback, as another container would dial it. */
export function externalIPv4(): string | undefined {
  const addresses = Object.values(os.networkInterfaces()).flatMap(entries => entries ?? []);
  return addresses.find(entry => entry.family === 'IPv4' && !entry.internal)?.address;
}
