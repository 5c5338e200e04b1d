#!/usr/bin/env node
/** `user-sync <command>`: parse, dispatch, exit. Everything else lives in the command files. */
import { runCli } from './run-cli';

void runCli(process.argv, { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(code => {
  process.exitCode = code;
});
