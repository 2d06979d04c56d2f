// The serving day through a real Kafka broker: the simulator's log lines,
// some corrupted, are published to a 3-partition topic, then consumed at
// least once with fromKafka: bad lines go to a dead-letter topic, hourly
// windows per serving instance acknowledge their records once emitted, and
// offsets are committed only for what was acknowledged.
//   npx tsx scripts/kafka/broker.ts --port 9092          (a local broker; or use your cluster)
//   npx tsc -b && node examples/dist/kafka/kafka-day.js --brokers=127.0.0.1:9092
import { createKafkaSourceStats, createSimulation, formatLogLine, formatTimestamp, fromKafka, kafkaRecords, parseLogLine, SeededRandom, servingWindows, toKafka, tumbling, type WindowSpec } from '@modelwatch/core';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { filter, lastValueFrom, map, Subject, takeUntil } from 'rxjs';
import { commandLine, wholeNumber } from '../command-line.js';

const usage = `usage: node examples/dist/kafka/kafka-day.js [--brokers=127.0.0.1:9092] [--hours=6]

Publishes simulated log lines to a new topic and consumes them at least once with hourly windows.
  --brokers=host:port[,host:port]  the Kafka bootstrap brokers (default 127.0.0.1:9092)
  --hours=n                        simulated hours to publish (default 6)
  -h, --help                       this text`;
const HOUR = 3_600_000;
const { values } = commandLine(usage, { brokers: { type: 'string' }, hours: { type: 'string' } });
const brokers = (values.brokers ?? '127.0.0.1:9092').split(',');
const hours = wholeNumber(values.hours, '--hours', 6);
const run = Date.now().toString(36);
const topic = `movielog-demo-${run}`;
const deadTopic = `${topic}.dead`;

const kafka = new Kafka({ clientId: 'modelwatch-demo', brokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 3 }, { topic: deadTopic, numPartitions: 1 }], waitForLeaders: true });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
await producer.connect();

// 1. The service side: publish the log lines, a few mangled by a flaky pipe.
const noise = new SeededRandom(7);
const sim = createSimulation({ seed: 42, duration: hours * HOUR, scenarios: [{ kind: 'instance-degradation', at: Date.UTC(2026, 0, 1, 3), until: Date.UTC(2026, 0, 1, 4), instance: 'rec-2:8082', errorRate: 0.3 }] });
let published = 0;
await lastValueFrom(
  sim.events().pipe(
    filter((e) => e.kind === 'recommendation' || noise.chance(0.05)), // keep the demo quick: every request, a sample of the rest
    map((e) => (noise.chance(0.005) ? formatLogLine(e).slice(0, 30) : formatLogLine(e))),
    toKafka(producer, { topic, encode: (line: string) => line }),
    map(({ count }) => (published += count)),
  ),
);
console.log(`Published ${published.toLocaleString()} log lines to ${topic} on ${brokers.join(',')} (3 partitions).`);

// 2. The monitoring side: consume at least once, window by event time per serving instance. The window
// and the operator are the ones a pipeline on plain events uses; `kafkaRecords` says where the records come
// from: the event in each record, its partition (one watermark per partition), the partitions owned, and the
// acknowledgement, given once the hour that holds the record has been emitted.
const stats = createKafkaSourceStats();
const done = new Subject<void>();
// Each partition is in event-time order and the owned ones are known, so little disorder is allowed;
// once the topic is drained, the idle fallback lets the clock close the last hour.
const hourly: WindowSpec<unknown> = { assigner: tumbling(HOUR), outOfOrderness: 5_000, idleTimeout: 2_000 };
const header = 'hour   instance     requests  availability';
console.log(`\n${header}\n${'─'.repeat(header.length)}`);
const windows$ = fromKafka(kafka.consumer({ groupId: `modelwatch-demo-${run}` }), {
  topics: [topic],
  decode: parseLogLine,
  deadLetter: { producer, topic: deadTopic },
  fromBeginning: true,
  stats,
}).pipe(takeUntil(done), servingWindows({ ...hourly, source: kafkaRecords(stats, topic) }));
const finished = new Promise<void>((resolve, reject) =>
  windows$.subscribe({
    next: ({ key, window, value }) => {
      console.log(`${formatTimestamp(window.start).slice(11, 16)}  ${key.padEnd(11)} ${String(value.requests).padStart(9)}  ${(100 * value.availability).toFixed(1).padStart(11)}%${value.availability < 0.99 ? ' ⚠' : ''}`);
    },
    error: reject,
    complete: resolve,
  }),
);
// Every record processed (dead letters included) and acknowledged: stop, which commits and disconnects.
const poll = setInterval(() => stats.acked === published && done.next(), 200);
await finished;
clearInterval(poll);
await producer.disconnect();
await admin.disconnect();
console.log(`\nConsumed ${stats.received.toLocaleString()} records: ${stats.decode.errors} dead-lettered to ${deadTopic}, ${stats.acked.toLocaleString()} acknowledged, ${stats.commits} commits, ${stats.pauses} pauses.`);
