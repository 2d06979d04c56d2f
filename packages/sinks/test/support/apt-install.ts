// Installs a Debian package the integration tests need, once even when
// several test files ask at the same time: one installs, holding a lock
// directory, while the others wait for it (a lock older than 15 minutes is
// left over from a killed run and is removed).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function apt(args: string[], pkg: string): void {
  const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal}); install Debian's ${pkg} package by hand (apt-get install ${pkg}) and run the tests again`);
}

/**
 * What `found()` returns once it returns something, installing Debian's
 * package `pkg` first when it does not (`purpose` says why, in the log line).
 */
export async function ensureAptPackage<T>(pkg: string, purpose: string, found: () => T | undefined, installOptions: readonly string[] = []): Promise<T> {
  const lock = join(tmpdir(), `modelwatch-${pkg}-install.lock`);
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
      if (process.getuid?.() !== 0) throw new Error(`Debian's ${pkg} package is missing and installing it needs root: run apt-get install ${pkg}, then the tests again`);
      console.log(`Installing Debian package ${pkg} for ${purpose}: apt-get update && apt-get install -y --no-install-recommends ${pkg}`);
      apt(['update'], pkg);
      apt(['install', '-y', '--no-install-recommends', ...installOptions, pkg], pkg);
      if (found() === undefined) throw new Error(`apt-get installed ${pkg} but what the tests need is still missing; check dpkg -L ${pkg}`);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
