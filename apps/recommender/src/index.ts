// @modelwatch/recommender as a library, for running the system in one
// process (the demo): the service, its balancer, the simulated users and
// their clock, and the models' training. `main.ts` is the command line.
export { startBalancer, type Backends, type BalancerConfig, type RunningBalancer } from './balancer.js';
export { loadModels, saveModels, trainModels, type ModelFile } from './models.js';
export { startService, type Faults, type RunningService, type ServiceConfig, type Variant } from './service.js';
export { acceleratedClock, realClock, type SimulatedClock } from './simulated-clock.js';
export { runSimulatedUsers, type SessionOutcome, type SimulatedUsersOptions, type SimulatedUsersResult } from './simulated-users.js';
