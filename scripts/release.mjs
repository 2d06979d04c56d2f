#!/usr/bin/env node
// `npm run release`: publish the tarballs scripts/pack.mjs makes (installable
// with npm: no `workspace:` left), each version once, then tag the release.
// Run `npm run version-packages` (changesets) first.
//   node scripts/release.mjs [--dry-run]
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packPackages } from './pack.mjs';

const dryRun = process.argv.includes('--dry-run');
const root = join(import.meta.dirname, '..');
for (const { name, version, tarball } of packPackages(join(root, '.tmp', 'release'))) {
  const published = spawnSync('npm', ['view', `${name}@${version}`, 'version'], { encoding: 'utf8' }).stdout.trim() === version;
  if (published) {
    console.log(`${name}@${version} is already published`);
    continue;
  }
  execFileSync('npm', ['publish', tarball, '--access', 'public', ...(dryRun ? ['--dry-run'] : [])], { stdio: 'inherit' });
}
if (!dryRun) execFileSync(join(root, 'node_modules', '.bin', 'changeset'), ['tag'], { cwd: root, stdio: 'inherit' });
