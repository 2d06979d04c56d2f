// Where a program is, for the tests that drive real servers.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SBIN = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The path of an executable `binary` on PATH or in the system bin directories, or undefined. */
export function which(binary: string): string | undefined {
  for (const dir of [...(process.env['PATH'] ?? '').split(':'), ...SBIN]) if (dir && spawnSync('test', ['-x', join(dir, binary)]).status === 0) return join(dir, binary);
  return undefined;
}
