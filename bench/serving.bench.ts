// Serving: GET /recommend/<id> requests per second with p50 and p99 at a fixed
// concurrency, the Node service (apps/recommender, as many processes as gunicorn has workers) against the
// student team's stack (the same two models from the same model file, Flask
// under gunicorn, bench/serving/flask_app.py), on the same machine in the same
// run. Load: Debian's wrk on 127.0.0.1 (bench/serving/users.lua walks 2,200
// user ids). Rounds alternate between the two; medians and spreads are printed,
// and a last line of JSON for bench/run.ts.
// Both keep each user's item-kNN answer, up to answer-cache users (0: both compute every answer).
//   node --import tsx bench/serving.bench.ts [seconds=8] [rounds=3] [connections=64] [answer-cache=10000]
// Needs `npm run build` (apps/recommender/dist) and bench/.venv with flask and gunicorn (bench/run.ts makes it).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';

const seconds = Number(process.argv[2] ?? 8);
const rounds = Number(process.argv[3] ?? 3);
const connections = Number(process.argv[4] ?? 64);
const answerCache = Number(process.argv[5] ?? 10_000);
const models = resolve('bench/.data/models.json');
const workers = availableParallelism();
mkdirSync('bench/.data', { recursive: true });
if (!existsSync(models)) execFileSync(process.execPath, ['apps/recommender/dist/main.js', 'train', `--out=${models}`], { stdio: 'inherit' });

async function ready(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within 20 s`);
}

const stacks: { name: string; port: number; start: () => ChildProcess }[] = [
  // Telemetry on stdout (the default: one recommendation line per answer), sent to /dev/null; as many worker processes as gunicorn's.
  { name: 'node', port: 8191, start: () => spawn(process.execPath, ['apps/recommender/dist/main.js', `--model-file=${models}`, '--port=8191', '--host=127.0.0.1', `--workers=${workers}`, `--answer-cache=${answerCache}`], { stdio: 'ignore' }) },
  // gunicorn: one worker per core, gthread with 8 threads each so connections are kept alive; the same line logged per answer.
  { name: 'flask', port: 8192, start: () => spawn('bench/.venv/bin/gunicorn', ['-w', String(workers), '-k', 'gthread', '--threads', '8', '-b', '127.0.0.1:8192', '--chdir', 'bench/serving', 'flask_app:app'], { stdio: 'ignore', env: { ...process.env, MODEL_FILE: models, ANSWER_CACHE: String(answerCache) } }) },
];

interface Sample { rps: number; p50: number; p99: number; errors: number }
const ms = (text: string, label: string): number => {
  const m = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(text);
  if (!m) throw new Error(`wrk printed no ${label} latency:\n${text}`);
  return Number(m[1]) * { us: 1e-3, ms: 1, s: 1e3 }[m[2] as 'us' | 'ms' | 's'];
};
function load(port: number): Sample {
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', 'bench/serving/users.lua', `http://127.0.0.1:${port}`], { encoding: 'utf8' });
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + Number(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)?.slice(1).reduce((a, b) => a + Number(b), 0) ?? 0);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)![1]), p50: ms(out, '50%'), p99: ms(out, '99%'), errors };
}

const children = stacks.map((s) => s.start());
const stop = (): void => children.forEach((c) => c.kill('SIGTERM'));
process.on('exit', stop);
try {
  await Promise.all(stacks.map((s) => ready(`http://127.0.0.1:${s.port}/recommend/1`)));
  const samples: Record<string, Sample[]> = { node: [], flask: [] };
  for (const s of stacks) load(s.port); // warm-up, not kept
  for (let r = 1; r <= rounds; r++) {
    for (const s of stacks) {
      const x = load(s.port);
      samples[s.name]!.push(x);
      console.log(`round ${r}, ${s.name.padEnd(5)}: ${x.rps.toFixed(0).padStart(6)} requests/s, p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms${x.errors ? `, ${x.errors} errors` : ''}`);
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const summary = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, { rps: median(xs.map((x) => x.rps)), rpsMin: Math.min(...xs.map((x) => x.rps)), rpsMax: Math.max(...xs.map((x) => x.rps)), p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)), errors: xs.reduce((a, x) => a + x.errors, 0) }]));
  const ratios = samples.node!.map((x, i) => x.rps / samples.flask![i]!.rps);
  const n = summary.node!;
  const f = summary.flask!;
  console.log(`median: node ${n.rps.toFixed(0)} requests/s (p50 ${n.p50.toFixed(1)} ms, p99 ${n.p99.toFixed(1)} ms), flask ${f.rps.toFixed(0)} requests/s (p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms)`);
  console.log(`node / flask throughput ${median(ratios).toFixed(2)}x (rounds ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}); goal ≥ 5x with a lower p99: ${median(ratios) >= 5 && n.p99 < f.p99 ? 'met' : 'missed'}`);
  console.log(JSON.stringify({ bench: 'serving', connections, seconds, rounds, answerCache, gunicorn: { workers, workerClass: 'gthread', threads: 8 }, node: { workers }, summary, ratio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) } }));
} finally {
  stop();
}
