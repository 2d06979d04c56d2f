export { pulledByTakeOne, generate } from './pulled.js';
export { monitoringDir, startKafka, type KafkaBroker } from './repository.js';
