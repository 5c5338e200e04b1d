/** `host:port` and `[v6]:port`, as REDIS_CLUSTER_NODES and REDIS_SENTINELS list them. */
export interface HostPort {
  host: string;
  port: number;
}

export function parseHostPort(text: string): HostPort | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:\s[\]]+)):(\d{1,5})$/.exec(text);
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1] ?? match[2], port };
}

export function parseHostPortList(text: string): HostPort[] {
  return text.split(',').map(entry => {
    const parsed = parseHostPort(entry.trim());
    if (parsed === undefined) throw new Error(`not a host:port pair: ${entry}`);
    return parsed;
  });
}
