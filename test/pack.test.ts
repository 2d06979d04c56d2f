import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What users get: the release path's tarballs (scripts/pack.mjs, pnpm pack),
// installed by npm into a project outside the workspace, then type-checked
// (moduleResolution node16, nodenext, bundler) and run as ES modules and
// from CommonJS, with prom-client 15 and then 14 as the peer.
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
const corePackage = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8')) as { exports: Record<string, unknown> };
const coreSubpaths = Object.keys(corePackage.exports).filter((k) => k !== '.' && k !== './package.json').map((k) => `@modelwatch/core/${k.slice(2)}`);
let scratch: string;
let tarballs: { name: string; tarball: string }[];

function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_update_notifier: 'false' } });
}
/** Runs a command and returns its output and error text, whether or not it fails. */
function run(cmd: string, args: string[], cwd: string): { status: number; output: string } {
  try {
    return { status: 0, output: sh(cmd, args, cwd) };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { status: err.status, output: `${err.stdout}${err.stderr}` };
  }
}

// The same program three ways: ESM (.mts / .mjs), CommonJS (.cts / .cjs). Each
// loads every entry point, checks that a subpath's exports are the main entry's
// own (one module instance, no dual-package copies), and runs the sinks on the
// user's prom-client registry.
const program = (load: 'import' | 'require'): string => {
  const subpaths = coreSubpaths.map((s, i) => (load === 'import' ? `import * as sub${i} from '${s}';` : `import sub${i} = require('${s}');`));
  const imports =
    load === 'import'
      ? `import * as core from '@modelwatch/core';
import * as detectors from '@modelwatch/detectors';
import { createPrometheusSink, toJsonLines } from '@modelwatch/sinks';
import { Registry } from 'prom-client';
import { lastValueFrom, take, toArray } from 'rxjs';`
      : `import core = require('@modelwatch/core');
import detectors = require('@modelwatch/detectors');
import sinks = require('@modelwatch/sinks');
import promClient = require('prom-client');
import rxjs = require('rxjs');
const { createPrometheusSink, toJsonLines } = sinks;
const { Registry } = promClient;
const { lastValueFrom, take, toArray } = rxjs;`;
  return `${imports}
${subpaths.join('\n')}
import type { Finding, TelemetryEvent } from '@modelwatch/core';

const subpaths: Record<string, object> = { ${coreSubpaths.map((s, i) => `'${s}': sub${i}`).join(', ')} };
const foreign = Object.entries(subpaths).flatMap(([path, m]) => Object.entries(m).filter(([k, v]) => (core as Record<string, unknown>)[k] !== v).map(([k]) => \`\${path}:\${k}\`));
const e = core.parseLogLine('2026-11-26T04:54:02,8212,GET /rate/the+matrix+1999=4');
const rating: number = !core.isParseError(e) && e.kind === 'rate' ? e.rating : 0;
// @ts-expect-error a ParseError has no rating: the union must be narrowed first
const wrong: number = e.rating;
const findings: Finding[] = [];
const registry = new Registry();
const sink = createPrometheusSink({ registry });
async function main(): Promise<void> {
  const events: TelemetryEvent[] = await lastValueFrom(core.simulate({ seed: 1, duration: 60_000 }).pipe(take(3), sink.events(), toJsonLines({ write: () => true }), toArray()));
  const metrics = await registry.metrics();
  console.log(JSON.stringify({ rating, events: events.length, counted: /modelwatch_events_total\\{[^}]*\\} \\d/.test(metrics), foreign, subpaths: Object.keys(subpaths).length, findings: findings.length, wrong: typeof wrong, detectors: typeof detectors.driftFindings }));
}
void main();
`;
};

type Printed = { rating: number; events: number; counted: boolean; foreign: string[]; subpaths: number; detectors: string };
const expected = { rating: 4, events: 3, counted: true, foreign: [], detectors: 'function' };

/** Type-checks the consumers under each moduleResolution and runs what node16 and nodenext emit. */
function checkConsumers(): void {
  const tsconfig = (name: string, options: object, files: string[]): void =>
    writeFileSync(join(scratch, name), JSON.stringify({ compilerOptions: { target: 'ES2022', strict: true, types: ['node'], ...options }, files }));
  tsconfig('tsconfig.node16.json', { module: 'Node16', moduleResolution: 'Node16', outDir: 'out/node16' }, ['use.mts']);
  // TypeScript's nodenext models require() of ES modules (Node 20.19+, 22.12+); node16 does not, so the .cts is checked under nodenext.
  tsconfig('tsconfig.nodenext.json', { module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'out/nodenext' }, ['use.mts', 'use.cts']);
  tsconfig('tsconfig.bundler.json', { module: 'Preserve', moduleResolution: 'Bundler', noEmit: true }, ['use.mts']);
  for (const config of ['node16', 'nodenext', 'bundler']) {
    const r = run(join(scratch, 'node_modules/.bin/tsc'), ['-p', `tsconfig.${config}.json`], scratch);
    expect(r.output, `tsc under ${config}`).toBe('');
  }
  for (const script of ['out/node16/use.mjs', 'out/nodenext/use.mjs', 'out/nodenext/use.cjs']) {
    const printed = JSON.parse(sh(process.execPath, [script], scratch)) as Printed;
    expect(printed, script).toMatchObject({ ...expected, subpaths: coreSubpaths.length });
  }
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'modelwatch-pack-'));
  // The release path's own packing (scripts/pack.mjs prints one tarball per line).
  tarballs = sh(process.execPath, [join(root, 'scripts/pack.mjs'), join(scratch, 'tarballs')], root)
    .trim()
    .split('\n')
    .map((tarball) => ({ tarball, name: (JSON.parse(sh('tar', ['-xzOf', tarball, 'package/package.json'], root)) as { name: string }).name }));
  const deps = Object.fromEntries(tarballs.map((t) => [t.name, `file:./tarballs/${basename(t.tarball)}`]));
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({
      name: 'scratch', private: true, type: 'module',
      dependencies: { ...deps, rxjs: '^7.8.2', 'prom-client': '^15.1.3' },
      devDependencies: { typescript: '5.9.3', '@types/node': '^20' },
      // The tarballs' own @modelwatch dependencies (^0.1.0) resolve to the tarballs too, not to the registry.
      overrides: deps,
    }),
  );
  sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], scratch);
  writeFileSync(join(scratch, 'use.mts'), program('import'));
  writeFileSync(join(scratch, 'use.cts'), program('require'));
}, 600_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('packed packages', () => {
  it('ship only what a user needs, with the licence, a README without relative links, and no workspace: ranges', () => {
    for (const { name, tarball } of tarballs) {
      const files = sh('tar', ['-tzf', tarball], scratch).split('\n');
      expect(files).toContain('package/LICENSE');
      expect(files).toContain('package/README.md');
      expect(files).toContain('package/dist/index.js');
      expect(files).toContain('package/dist/index.d.ts');
      expect(files.some((f) => f.includes('/test/'))).toBe(false);
      const manifest = readFileSync(join(scratch, 'node_modules', name, 'package.json'), 'utf8');
      expect(manifest).not.toContain('workspace:');
      // Relative links work in the repository and break on the npm page.
      expect(readFileSync(join(scratch, 'node_modules', name, 'README.md'), 'utf8')).not.toMatch(/\]\((?!https?:)[^)]*\)/);
    }
  });

  it('pass publint, and attw with no problem beyond what ES modules only imply', () => {
    for (const { tarball } of tarballs) {
      const lint = run(bin('publint'), ['run', tarball, '--strict'], scratch);
      expect(lint.output, `publint ${tarball}`).toContain('All good!');
      expect(lint.status).toBe(0);
      // Into a file: attw exits (status 1 on any problem) right after writing, which can cut a pipe's output short.
      const report = join(scratch, 'attw.json');
      const fd = openSync(report, 'w');
      spawnSync(bin('attw'), [tarball, '--format', 'json'], { cwd: scratch, stdio: ['ignore', fd, 'inherit'] });
      closeSync(fd);
      const attw = JSON.parse(readFileSync(report, 'utf8')) as { problems?: Record<string, { kind: string; entrypoint: string; resolutionKind: string }[]> };
      // Implied by shipping ES modules only: TypeScript's node16 mode does not know that require() loads them (nodenext does),
      // and the legacy node10 resolution does not read `exports`, so it finds only the main entry.
      const unexpected = Object.values(attw.problems ?? {})
        .flat()
        .filter((p) => !(p.kind === 'CJSResolvesToESM' && p.resolutionKind === 'node16-cjs') && !(p.kind === 'NoResolution' && p.resolutionKind === 'node10' && p.entrypoint !== '.'));
      expect(unexpected, `attw ${tarball}`).toEqual([]);
    }
  });

  it('keep prom-client a peer: one copy, the project\'s own', () => {
    expect(existsSync(join(scratch, 'node_modules/@modelwatch/sinks/node_modules/prom-client'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(scratch, 'node_modules/@modelwatch/sinks/package.json'), 'utf8')) as { dependencies?: object; peerDependencies: object };
    expect(manifest.peerDependencies).toHaveProperty('prom-client');
    expect(manifest.dependencies ?? {}).not.toHaveProperty('prom-client');
  });

  it('type-check and run from ESM and CommonJS, under node16, nodenext and bundler, with prom-client 15', () => {
    checkConsumers();
  }, 300_000);

  it('and with prom-client 14', () => {
    sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', 'prom-client@^14.2.0'], scratch);
    expect((JSON.parse(readFileSync(join(scratch, 'node_modules/prom-client/package.json'), 'utf8')) as { version: string }).version).toMatch(/^14\./);
    rmSync(join(scratch, 'out'), { recursive: true, force: true });
    mkdirSync(join(scratch, 'out'));
    checkConsumers();
  }, 300_000);

  it('install the report as a subpath and the modelwatch-report command', () => {
    writeFileSync(join(scratch, 'report.mjs'), `import { renderReport, createReportCollector } from '@modelwatch/sinks/report';\nconsole.log((await renderReport(createReportCollector().data())).startsWith('<!doctype html>'));\n`);
    expect(sh(process.execPath, ['report.mjs'], scratch).trim()).toBe('true');
    expect(sh(join(scratch, 'node_modules/.bin/modelwatch-report'), ['--help'], scratch)).toMatch(/^Usage: modelwatch-report/);
  });
});
