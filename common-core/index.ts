// Public entry of common-core: contracts, enums, topics, errors, settings, ports. No I/O.
export * from './contracts/envelope.ts';
export * from './contracts/event-data.ts';
export * from './contracts/metadata.ts';
export * from './contracts/primitives.ts';
export * from './enums/batch-status.ts';
export * from './enums/content-type.ts';
export * from './enums/essay-status.ts';
export * from './enums/processing-event.ts';
export * from './enums/processing-stage.ts';
export * from './errors/error-codes.ts';
export * from './errors/huleedu-error.ts';
export * from './errors/named-errors.ts';
export * from './ports/message-bus.ts';
export * from './settings/common-settings.ts';
export * from './settings/load-settings.ts';
export * from './settings/settings-error.ts';
export * from './topics/topic-name.ts';
