import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What users get: each package packed as pnpm publishes it, installed by npm
// into a project outside the workspace, type-checked and imported there.
const root = fileURLToPath(new URL('..', import.meta.url));
const packages = ['core', 'detectors', 'sinks'];
let scratch: string;

function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'modelwatch-pack-'));
  for (const p of packages) sh('npx', ['--yes', 'pnpm@10.34.8', 'pack', '--pack-destination', scratch], join(root, 'packages', p));
  const tarball = (p: string): string => `file:./${readdirSync(scratch).find((f) => f.startsWith(`modelwatch-${p}-`))!}`;
  const deps = Object.fromEntries(packages.map((p) => [`@modelwatch/${p}`, tarball(p)]));
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({
      name: 'scratch', private: true, type: 'module',
      dependencies: { ...deps, rxjs: '^7.8.2' },
      devDependencies: { typescript: '5.9.3', '@types/node': '^20' },
      overrides: deps,
    }),
  );
  sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], scratch);
}, 240_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('packed packages', () => {
  it('ship only what a user needs, with the licence and a README', () => {
    for (const p of packages) {
      const files = sh('tar', ['-tzf', readdirSync(scratch).find((f) => f.startsWith(`modelwatch-${p}-`))!], scratch).split('\n');
      expect(files).toContain('package/LICENSE');
      expect(files).toContain('package/README.md');
      expect(files).toContain('package/dist/index.js');
      expect(files).toContain('package/dist/index.d.ts');
      expect(files.some((f) => f.includes('/test/'))).toBe(false);
    }
  });

  it('install into a project outside the workspace and type-check against their declarations', () => {
    writeFileSync(
      join(scratch, 'use.ts'),
      `import { parseLogLine, isParseError, simulate, type TelemetryEvent, type Finding } from '@modelwatch/core';
import { toJsonLines } from '@modelwatch/sinks';
import * as detectors from '@modelwatch/detectors';
import { take, toArray } from 'rxjs';
const e = parseLogLine('2026-11-26T04:54:02,8212,GET /rate/the+matrix+1999=4');
const rating: number = !isParseError(e) && e.kind === 'rate' ? e.rating : 0;
// @ts-expect-error a ParseError has no rating: the union must be narrowed first
const wrong: number = e.rating;
const findings: Finding[] = [];
simulate({ seed: 1, duration: 60_000 }).pipe(take(3), toJsonLines({ write: () => true }), toArray()).subscribe((xs: TelemetryEvent[]) => {
  console.log(JSON.stringify({ rating, events: xs.length, findings: findings.length, wrong: typeof wrong, detectors: typeof detectors }));
});
`,
    );
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, outDir: 'out', types: ['node'] }, files: ['use.ts'] }),
    );
    sh(join(scratch, 'node_modules/.bin/tsc'), ['-p', '.'], scratch);
    const printed = JSON.parse(sh(process.execPath, ['out/use.js'], scratch)) as { rating: number; events: number };
    expect(printed).toMatchObject({ rating: 4, events: 3 });
  });

  it('install the report as a subpath and the modelwatch-report command', () => {
    writeFileSync(join(scratch, 'report.mjs'), `import { renderReport, createReportCollector } from '@modelwatch/sinks/report';\nconsole.log((await renderReport(createReportCollector().data())).startsWith('<!doctype html>'));\n`);
    expect(sh(process.execPath, ['report.mjs'], scratch).trim()).toBe('true');
    expect(sh(join(scratch, 'node_modules/.bin/modelwatch-report'), ['--help'], scratch)).toMatch(/^Usage: modelwatch-report/);
  });
});
