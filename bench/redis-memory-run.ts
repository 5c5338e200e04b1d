/**
 * The Redis memory benchmark alone (`npm run bench` runs it too, after the other sections):
 *   npx tsc -p tsconfig.bench.json
 *   node dist/bench/redis-memory-run.js [--size default|full|quick] [--bursts CHANGES] [--steady CHANGES]
 *                                       [--users N] [--cli dist/src/cli/bin.js] [--out DIR]
 * Writes redis-memory.json/.md to DIR (bench/results unless --size quick) and prints the markdown;
 * releases everything it started, also on Ctrl-C. `--cli` may point at another build, to measure another
 * version of the service (bench/baseline-build.ts builds one from a git ref).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Releasers } from '../src/lifecycle/releasers';
import { progress, runBenchProcess } from './bench-process';
import { measureRedisMemory, REDIS_MEMORY_SIZES, type RedisMemorySizes } from './redis-memory';
import { writeRedisMemoryResults } from './redis-memory-report';
import { REPO_ROOT } from './repo-root';

const releasers = new Releasers();

interface Arguments {
  sizes: RedisMemorySizes;
  cli: string;
  outDir: string;
}

function parseArguments(argv: string[]): Arguments {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const size = value('--size') ?? 'default';
  if (!(size in REDIS_MEMORY_SIZES)) throw new Error(`--size is one of full, default, quick; got ${size}`);
  const base = REDIS_MEMORY_SIZES[size as keyof typeof REDIS_MEMORY_SIZES];
  const count = (flag: string, fallback: number): number => {
    const text = value(flag);
    if (text === undefined) return fallback;
    const parsed = Number(text.replace(/[_,]/g, ''));
    if (!Number.isInteger(parsed) || parsed < 1)
      throw new Error(`${flag} needs a positive integer, got ${text}`);
    return parsed;
  };
  const sizes = {
    ...base,
    burstChanges: count('--bursts', base.burstChanges),
    steadyChanges: count('--steady', base.steadyChanges),
    users: count('--users', base.users),
  };
  const outDir =
    value('--out') ??
    (size === 'quick' ? join(tmpdir(), 'user-sync-bench') : join(REPO_ROOT, 'bench', 'results'));
  const cli = resolve(value('--cli') ?? join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js'));
  if (!existsSync(cli))
    throw new Error(`no user-sync CLI at ${cli}: run npx tsc -p tsconfig.bench.json, or pass --cli`);
  return { sizes, cli, outDir };
}

async function main(argv: string[]): Promise<void> {
  const { sizes, cli, outDir } = parseArguments(argv);
  const result = await measureRedisMemory(sizes, cli, releasers, progress);
  await releasers.release();
  const written = await writeRedisMemoryResults(
    outDir,
    result,
    `node dist/bench/redis-memory-run.js ${argv.join(' ')}`.trim(),
  );
  process.stdout.write(`\n${written.markdown}\nwritten: ${written.paths.join(', ')}\n`);
}

runBenchProcess(() => main(process.argv.slice(2)), releasers);
