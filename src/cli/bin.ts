#!/usr/bin/env node
/** `user-sync <command>`: parse, dispatch, exit. Everything else lives in the command files. */
import { runCli } from './run-cli';

const exitProcess = process.exit.bind(process);

// A reader that stops early (`user-sync verify | head`) closes the pipe: that is the reader's choice,
// not a failure of the command, so it ends quietly with 0 rather than a stack trace and exit 1.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    exitProcess(0);
  });

// Once a command has answered, nothing it opened may keep the process: a driver still waiting out its
// server selection, or a connection that takes its time to close, would otherwise hold a one-shot
// command seconds past its own line. (Long-running roles never resolve here; they exit on a signal.)
void runCli(process.argv, { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  exitProcess,
);
