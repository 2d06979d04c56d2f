#!/usr/bin/env node
// The release path's first half: build, then pack every published package with
// pnpm (which rewrites `workspace:^` to the version, as `npm pack` does not),
// and refuse a tarball that still names a workspace dependency. The pack test
// installs these very tarballs with npm; `npm run release` publishes them.
//   node scripts/pack.mjs [destination]     (default .tmp/pack; prints the tarballs' paths)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpm = ['--yes', 'pnpm@10.34.8'];

/** The workspace's published packages: packages/* without `private`. */
export function publishedPackages() {
  return readdirSync(join(root, 'packages'))
    .map((dir) => ({ dir: join(root, 'packages', dir), manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
    .filter((p) => !p.manifest.private);
}

/** Builds and packs each published package into `destination`; returns `{ name, version, tarball }` per package. */
export function packPackages(destination) {
  mkdirSync(destination, { recursive: true });
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b'], { cwd: root, stdio: 'inherit' });
  return publishedPackages().map(({ dir, manifest }) => {
    const out = execFileSync('npx', [...pnpm, 'pack', '--json', '--pack-destination', destination], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    const tarball = resolve(destination, JSON.parse(out).filename);
    const packed = execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' });
    if (packed.includes('workspace:')) throw new Error(`${tarball} still has a workspace: dependency, which npm cannot install; pack it with pnpm (this script), not npm pack.`);
    return { name: manifest.name, version: manifest.version, tarball };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { tarball } of packPackages(resolve(process.argv[2] ?? join(root, '.tmp', 'pack')))) console.log(tarball);
}
