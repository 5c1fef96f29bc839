// Public entry of the pure machine definitions (no I/O).
export * from './batch/batch-machine.ts';
export * from './definitions.ts';
export * from './effects.ts';
export * from './essay/essay-machine.ts';
export * from './upgrade-snapshot.ts';
