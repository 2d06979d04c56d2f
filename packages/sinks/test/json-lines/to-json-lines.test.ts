import type { Finding } from '@modelwatch/core';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { from, lastValueFrom, toArray } from 'rxjs';
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
});
