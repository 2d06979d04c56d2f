// Provisions Debian's chromium for the report's browser test (installing the
// `chromium` package with apt when /usr/bin/chromium is missing) and launches
// it headless through playwright-core, with background networking off so the
// only requests are the page's own.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { ensureAptPackage } from '#test-support';

export const CHROMIUM = '/usr/bin/chromium';

/** Debian's chromium, headless, background networking disabled. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await ensureAptPackage('chromium', 'the report browser test', () => (existsSync(CHROMIUM) ? CHROMIUM : undefined));
  return chromium.launch({ executablePath, headless: true, args: ['--disable-background-networking'] });
}
