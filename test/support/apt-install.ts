// Installs the Debian packages the integration tests need, once even when
// several test files (of any package) ask at the same time: one installs,
// holding a lock directory, while the others wait for it (a lock older than
// 15 minutes is left over from a killed run and is removed).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function apt(args: string[], pkgs: string): void {
  const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal}); install Debian's ${pkgs} by hand (apt-get install ${pkgs}) and run the tests again`);
}

/**
 * What `found()` returns once it returns something, installing Debian's
 * package `pkg` (or packages) first when it does not (`purpose` says why,
 * in the log line).
 */
export async function ensureAptPackage<T>(pkg: string | readonly string[], purpose: string, found: () => T | undefined, installOptions: readonly string[] = []): Promise<T> {
  const pkgs = typeof pkg === 'string' ? [pkg] : [...pkg];
  const names = pkgs.join(' ');
  const lock = join(tmpdir(), 'modelwatch-apt-install.lock');
  for (;;) {
    const ready = found();
    if (ready !== undefined) return ready;
    try {
      mkdirSync(lock);
    } catch {
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > 900_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    try {
      if (found() !== undefined) continue;
      if (process.getuid?.() !== 0) throw new Error(`${purpose} needs Debian's ${names}, and installing it needs root: run apt-get install ${names}, then the tests again`);
      console.log(`Installing Debian packages for ${purpose}: apt-get update && apt-get install -y --no-install-recommends ${names}`);
      apt(['update'], names);
      apt(['install', '-y', '--no-install-recommends', ...installOptions, ...pkgs], names);
      if (found() === undefined) throw new Error(`apt-get installed ${names} but what the tests need is still missing; check dpkg -L ${names}`);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
