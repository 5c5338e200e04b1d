/** The commit measured, and whether src/ or jobs/ differed from it: figures move with the code. */
import { execFileSync } from 'node:child_process';
import { REPO_ROOT } from './repo-root';

export function codeVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = git('status', '--porcelain', '--', 'src', 'jobs') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? ' + uncommitted changes in src/ or jobs/' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
