import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Vitest global setup: the pack and example tests use the built packages, so
// build them once before any test file runs (tsc -b is a no-op when fresh).
// A failed build does not stop the other tests (they run from sources); `npm
// test` has already failed on it with the compiler's messages.
export default function buildOnce(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  try {
    execFileSync(`${root}node_modules/.bin/tsc`, ['-b'], { cwd: root, stdio: 'pipe' });
  } catch {
    console.warn('tsc -b failed: the pack and example tests see the last good build. Run `npx tsc -b` to see why.');
  }
}
