// Provisions Debian's chromium for the report's browser test: installs the
// `chromium` package with apt when /usr/bin/chromium is missing (one test file
// installs, holding a lock directory, while others wait), and launches it
// headless through playwright-core, with background networking off so the
// only requests are the page's own.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

function apt(args: string[]): void {
  const r = spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status ?? r.signal}); install Debian's chromium package by hand (apt-get install chromium) and run the tests again`);
}

/** Installs Debian's chromium when /usr/bin/chromium is missing. */
export async function ensureChromium(): Promise<string> {
  const lock = join(tmpdir(), 'modelwatch-chromium-install.lock');
  for (;;) {
    if (existsSync(CHROMIUM)) return CHROMIUM;
    try {
      mkdirSync(lock);
    } catch {
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > 900_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    try {
      if (existsSync(CHROMIUM)) continue;
      if (process.getuid?.() !== 0) throw new Error('/usr/bin/chromium is missing and installing it needs root: run apt-get install chromium, then the tests again');
      console.log('Installing Debian package chromium for the report browser test: apt-get update && apt-get install -y --no-install-recommends chromium');
      apt(['update']);
      apt(['install', '-y', '--no-install-recommends', 'chromium']);
      if (!existsSync(CHROMIUM)) throw new Error('apt-get installed chromium but /usr/bin/chromium is missing; check dpkg -L chromium');
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/** Debian's chromium, headless, background networking disabled. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: await ensureChromium(), headless: true, args: ['--disable-background-networking'] });
}
