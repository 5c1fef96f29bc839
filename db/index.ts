// Public entry of the database layer: schema, the dual-driver opener, repositories.

export * from './actor-repository.ts';
export * from './advisory-lease.ts';
export * from './database.ts';
export * from './outbox-repository.ts';
export * from './results.ts';
export * as tables from './schema.ts';
