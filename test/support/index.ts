export { pulledByTakeOne, generate } from './pulled.js';
export { deployDir, monitoringDir, startKafka, type KafkaBroker } from './repository.js';
export { startTestKafka, useKafkaBroker, useTestKafka, type TestKafka } from './kafka.js';
export { ensureAptPackage } from './apt-install.js';
export { which } from './which.js';
export { freePort } from './ports.js';
export { ensurePrometheus, startPrometheus, type PrometheusOptions, type RunningPrometheus } from './prometheus.js';
