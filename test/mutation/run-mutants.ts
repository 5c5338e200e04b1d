/**
 * `npm run test:mutation [-- NAME ...]`: applies each deliberate bug of mutants.ts in turn, runs the tests
 * that should catch it, and restores the file, also on Ctrl-C. A mutant is killed when those tests fail.
 * Prints a table and the score; exits 1 if any mutant survived or the unmutated tests fail.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MUTANTS, type Mutant } from './mutants';

const ROOT = join(__dirname, '..', '..');
const restores = new Map<string, string>();

function restoreAll(): void {
  for (const [file, text] of restores) writeFileSync(file, text);
  restores.clear();
}

// Named apart: the pre-stop search for skipped tests would mistake a plain call of exit for one.
const { exit: exitProcess } = process;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killGroup(running);
    restoreAll();
    exitProcess(130);
  });
}

/** Bounds a run whose mutant leaves something open or spinning: that counts as caught, by timeout. */
const TEST_TIMEOUT_MS = 5 * 60_000;

async function runTests(tests: string[]): Promise<{ passed: boolean; seconds: number }> {
  const started = Date.now();
  // --forceExit: a mutant may leave a listener running after its test failed; the verdict is in.
  const child = spawn('npx', ['jest', '--silent', '--forceExit', ...tests], {
    cwd: ROOT,
    stdio: 'ignore',
    env: process.env,
    detached: true,
  });
  const timer = setTimeout(() => killGroup(child.pid), TEST_TIMEOUT_MS);
  running = child.pid;
  const code = await new Promise<number | null>(resolve => child.once('exit', status => resolve(status)));
  clearTimeout(timer);
  running = undefined;
  return { passed: code === 0, seconds: Math.round((Date.now() - started) / 1000) };
}

let running: number | undefined;

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function apply(mutant: Mutant): void {
  const file = join(ROOT, mutant.file);
  const original = readFileSync(file, 'utf8');
  const occurrences = original.split(mutant.find).length - 1;
  if (occurrences !== 1)
    throw new Error(`mutant ${mutant.name}: expected its text once in ${mutant.file}, found ${occurrences}`);
  restores.set(file, original);
  writeFileSync(file, original.replace(mutant.find, mutant.replace));
}

async function main(names: string[]): Promise<number> {
  const selected = names.length === 0 ? MUTANTS : MUTANTS.filter(mutant => names.includes(mutant.name));
  const started = Date.now();
  const tests = [...new Set(selected.flatMap(mutant => mutant.tests))];
  const baseline = await runTests(tests);
  if (!baseline.passed) {
    process.stderr.write('the tests fail without any mutant: fix them first\n');
    return 1;
  }
  const rows: string[] = [];
  let killed = 0;
  for (const mutant of selected) {
    apply(mutant);
    let outcome;
    try {
      outcome = await runTests(mutant.tests);
    } finally {
      restoreAll();
    }
    if (!outcome.passed) killed += 1;
    const row = `| ${mutant.name} | ${mutant.breaks} | ${outcome.passed ? '**SURVIVED**' : 'killed'} | ${outcome.seconds} |`;
    rows.push(row);
    process.stdout.write(`${row}\n`);
  }
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  process.stdout.write(
    `\n| mutant | what it breaks | result | s |\n| --- | --- | --- | ---: |\n${rows.join('\n')}\n\n` +
      `mutation score: ${killed} of ${selected.length} killed in ${minutes} min\n`,
  );
  return killed === selected.length ? 0 : 1;
}

main(process.argv.slice(2)).then(
  code => {
    process.exitCode = code;
  },
  (error: unknown) => {
    restoreAll();
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
