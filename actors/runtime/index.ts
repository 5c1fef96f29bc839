// Public entry of the durable actor runtime.
export * from './actor-runtime.ts';
export * from './effect-interpreter.ts';
export * from './outbox-relay.ts';
export * from './pure-stepper.ts';
export * from './runtime-errors.ts';
export * from './runtime-metrics.ts';
export * from './runtime-observer.ts';
export * from './snapshot-cache.ts';
export * from './timer-poller.ts';
export * from './types.ts';
