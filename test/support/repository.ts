// Shared files of the repository that tests use, reached from here so that no
// test climbs ../../../../ to find them; when one moves, change one line here.
import { fileURLToPath } from 'node:url';

/** The deployment files (nginx, Docker, Swarm, Kubernetes, monitoring), with a trailing slash. */
export const deployDir = fileURLToPath(new URL('../../deploy/', import.meta.url));

/** The shipped monitoring configuration (scrape config, rules, promtool tests, dashboard), with a trailing slash. */
export const monitoringDir = fileURLToPath(new URL('../../deploy/monitoring/', import.meta.url));

/** The real Kafka broker (scripts/kafka/broker.ts): fetched on first use, started on 127.0.0.1. */
export { startKafka, type KafkaBroker } from '../../scripts/kafka/broker.js';
