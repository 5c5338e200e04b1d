/** Compares a committed generated page with what its generator renders now, naming the first difference. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

export function expectUpToDate(path: string, rendered: string): void {
  const committed = readFileSync(join(root, path), 'utf8');
  if (committed === rendered) return;
  const committedLines = committed.split('\n');
  const renderedLines = rendered.split('\n');
  const line = committedLines.findIndex((text, index) => text !== renderedLines[index]);
  const at = line === -1 ? committedLines.length : line;
  throw new Error(
    [
      `${path} is stale: run \`npm run docs\` and commit the result.`,
      `First difference at line ${at + 1}:`,
      `  committed: ${committedLines[at] ?? '(end of file)'}`,
      `  generated: ${renderedLines[at] ?? '(end of file)'}`,
    ].join('\n'),
  );
}
