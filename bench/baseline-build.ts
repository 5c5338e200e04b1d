/**
 * Another version of user-sync, built from a git ref, so the operator scenario can run it and this code
 * side by side in one run: `git archive` into a temp folder (the working tree is never touched), this
 * checkout's node_modules linked in, compiled with that version's own tsconfig. Built once per ref.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-root';

export function buildBaseline(ref: string, progress: (message: string) => void): string {
  const commit = execFileSync('git', ['-C', REPO_ROOT, 'rev-parse', '--short', `${ref}^{commit}`], {
    encoding: 'utf8',
  }).trim();
  const dir = join(tmpdir(), `user-sync-baseline-${commit}`);
  const cli = join(dir, 'dist', 'src', 'cli', 'bin.js');
  if (existsSync(cli)) return cli;
  progress(`baseline: building ${ref} (${commit}) in ${dir}`);
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git -C "${REPO_ROOT}" archive ${commit} | tar -x -C "${dir}"`]);
  if (!existsSync(join(dir, 'node_modules')))
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: dir,
      stdio: 'inherit',
    },
  );
  return cli;
}
