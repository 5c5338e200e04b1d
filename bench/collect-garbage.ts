/**
 * A full garbage collection before a memory reading, so "heap used" is what is retained rather than
 * whatever garbage the load left behind. `npm run bench` runs plain `node`, without `--expose-gc`; V8 lets
 * the flag be set at run time, and a fresh context then exposes `gc`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
