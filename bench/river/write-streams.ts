// Writes the shared streams to one JSON file for the Python (River) side.
//   npx tsx bench/river/write-streams.ts parity bench/.data/river-parity-streams.json
//   npx tsx bench/river/write-streams.ts bench bench/.data/change-point-streams.json
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parityStreams } from '../../packages/detectors/test/change-point/streams.js';
import { benchStreams } from './bench-streams.js';

const [set, file] = process.argv.slice(2);
if ((set !== 'parity' && set !== 'bench') || !file) throw new Error('usage: write-streams.ts parity|bench <file.json>');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, JSON.stringify({ streams: set === 'parity' ? parityStreams() : benchStreams() }));
console.log(`wrote ${file}`);
