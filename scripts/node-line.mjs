// The node binary of a major Node line: this process's own when it is on that line, else the official binary that
// the npm package node-<os>-<arch>@<line> carries, installed once into ~/.cache/modelwatch/node-<line>. `npm test`
// runs every test on each maintained line with it; `npm run bench` runs a bench that needs a newer line on one.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The node binary of major line `line` ('22'), installed when missing by `install(title, command, args)`, which
 * runs the command and stops the caller when it fails.
 *
 * @example
 * const node22 = nodeOf('22', (title, cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' }));
 */
export function nodeOf(line, install) {
  if (line === process.versions.node.split('.')[0]) return process.execPath;
  const dir = join(homedir(), '.cache', 'modelwatch', `node-${line}`);
  const binary = join(dir, 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');
  if (!existsSync(binary)) install(`install Node ${line} (npm package node-${process.platform}-${process.arch}@${line}) into ${dir}`, 'npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', `node-${process.platform}-${process.arch}@${line}`]);
  return binary;
}
