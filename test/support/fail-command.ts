/**
 * mongod's `failCommand` fail point (also the emulator's), aimed at one appName so only the process under
 * test meets it. Shaped as the driver's spec tests use it.
 */
import type { MongoClient } from 'mongodb';

export interface FailCommandData {
  failCommands: string[];
  appName: string;
  errorCode?: number;
  errorLabels?: string[];
  closeConnection?: boolean;
  blockConnection?: boolean;
  blockTimeMS?: number;
}

export async function failCommand(
  client: MongoClient,
  mode: 'alwaysOn' | { times: number },
  data: FailCommandData,
): Promise<void> {
  await client.db('admin').command({ configureFailPoint: 'failCommand', mode, data });
}

/** Turns the fail point off; resolves with how many commands it hit, as mongod's `count`. */
export async function failPointOff(client: MongoClient): Promise<number> {
  const reply = await client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
  return Number(reply.count ?? 0);
}
