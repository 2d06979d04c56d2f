import type { Finding } from '@modelwatch/core';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { RejectedRecord } from '@modelwatch/core';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { toJsonLines } from '../../src/index.js';
import { driftFinding, fairnessFinding } from '../support/findings.js';

const finding: Finding = driftFinding();

describe('toJsonLines for findings', () => {
  it('appends one JSON line per finding to a file and passes the findings on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelwatch-jsonl-'));
    try {
      const file = join(dir, 'findings.jsonl');
      const stream = createWriteStream(file, { flags: 'a' });
      const second = fairnessFinding('hitRate', ['gender', 'age'], { gender: 'F', age: '18-24' });
      const passed = await lastValueFrom(from([finding, second]).pipe(toJsonLines(stream), toArray()));
      stream.end();
      await finished(stream);
      expect(passed).toEqual([finding, second]);
      expect(readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([finding, second]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes to anything with write(), such as process.stdout, and reports backpressure', async () => {
    const lines: string[] = [];
    let full = 0;
    const stdoutLike = { write: (chunk: string) => lines.push(chunk) < 2 };
    await lastValueFrom(from([finding, finding]).pipe(toJsonLines(stdoutLike, { onBackpressure: () => full++ }), toArray()));
    expect(lines).toEqual([`${JSON.stringify(finding)}\n`, `${JSON.stringify(finding)}\n`]);
    expect(full).toBe(1);
  });

  it('writes no line for a value JSON cannot hold (a BigInt, a cycle, undefined): dead-lettered with the reason, counted, passed on, and the stream goes on', () => {
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    const values = { a: finding, b: { ...finding, statistic: 10n } as unknown as Finding, c: cyclic as unknown as Finding, u: undefined as unknown as Finding, d: finding };
    const lines: string[] = [];
    const dead: RejectedRecord<Finding>[] = [];
    const stats = { rejected: 0 };
    const scheduler = new TestScheduler((x, y) => expect(x).toEqual(y));
    scheduler.run(({ cold, expectObservable }) => {
      expectObservable(cold('abcud|', values).pipe(toJsonLines({ write: (l) => lines.push(l) > 0 }, { stats, deadLetter: (r) => dead.push(r) }))).toBe('abcud|', values);
    });
    expect(lines).toEqual([`${JSON.stringify(finding)}\n`, `${JSON.stringify(finding)}\n`]);
    expect(dead.map((d) => [d.value, d.code])).toEqual([[values.b, 'bad-value'], [values.c, 'bad-value'], [undefined, 'bad-value']]);
    expect(dead[0]!.reason).toMatch(/^JSON.stringify threw on this record: .*BigInt.*: give the value a toJSON/);
    expect(dead[1]!.reason).toMatch(/circular/i);
    expect(dead[2]!.reason).toMatch(/JSON has no form for undefined values/);
    expect(stats.rejected).toBe(3);
  });
});
