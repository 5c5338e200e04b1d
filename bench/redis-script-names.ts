/**
 * Names a Lua script sent as EVALSHA (by its SHA1) or EVAL (by its body): BullMQ's scripts by the name
 * BullMQ gives them (`moveToActive`, `moveToFinished`, `addStandardJob`...), the service's own by what
 * they do. ioredis sends a script defined with defineCommand as EVALSHA of the SHA1 of its source, so
 * hashing BullMQ's sources gives the table.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

const load = createRequire(__filename);

/** The service's own EVAL scripts (src/listener/), by a fragment of their source. */
const OWN_SCRIPTS: [string, string][] = [
  ["redis.call('SET', KEYS[2]", 'listener checkpoint save'],
  ["redis.call('PEXPIRE'", 'listener lease renew'],
  ["redis.call('DEL', KEYS[1])", 'listener lease release'],
];

let bySha: Map<string, string> | undefined;

function table(): Map<string, string> {
  if (bySha !== undefined) return bySha;
  bySha = new Map();
  const scripts = load('bullmq/dist/cjs/scripts/index.js') as Record<
    string,
    { name: string; content: string }
  >;
  for (const script of Object.values(scripts)) bySha.set(sha1(script.content), script.name);
  return bySha;
}

export function scriptName(command: 'EVAL' | 'EVALSHA', shaOrBody: string): string {
  if (command === 'EVAL') {
    const own = OWN_SCRIPTS.find(([fragment]) => shaOrBody.includes(fragment));
    if (own !== undefined) return own[1];
    const name = table().get(sha1(shaOrBody));
    if (name !== undefined) return name;
    table().set(sha1(shaOrBody), `script ${sha1(shaOrBody).slice(0, 8)}`);
    return `script ${sha1(shaOrBody).slice(0, 8)}`;
  }
  return table().get(shaOrBody.toLowerCase()) ?? `script ${shaOrBody.slice(0, 8)}`;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
