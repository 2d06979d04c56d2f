// Ports for the servers the tests start: the broker script's free-port finder.
export { freePort } from '../../scripts/kafka/broker.js';
