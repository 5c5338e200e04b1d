/** What a command gets from the process: its environment and output streams, passed in so tests can. */
import type { RawEnv } from '../config/env-schema';

export interface OutputStream {
  write(text: string): unknown;
}

export interface CliContext {
  env: RawEnv;
  stdout: OutputStream;
  stderr: OutputStream;
}

/** Exit codes of `user-sync`: 0 done, 1 failed (bad configuration, drift found, runtime error), 2 usage. */
export const ExitCodes = { ok: 0, failure: 1, usage: 2 } as const;
