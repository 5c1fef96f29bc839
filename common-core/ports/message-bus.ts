/**
 * Ports of the messaging layer. Kafka, NATS JetStream and the in-memory bus implement them
 * with the same semantics: per-key order, at-least-once delivery, commit only after the
 * handler's outcome (success or dead letter) is durable.
 */

/** Message headers; every value is carried as a string. */
export type Headers = Record<string, string>;

/** A message to publish. `key` is the entity id: it picks the partition and so the order. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: Uint8Array;
  headers?: Headers;
  /** Deduplication id (the envelope's event id): JetStream's `Nats-Msg-Id`. */
  id?: string;
}

/** A consumed message with its coordinates in the log. */
export interface IncomingMessage {
  topic: string;
  partition: number;
  /** Position in the partition (Kafka offset, JetStream stream sequence), as a decimal string. */
  offset: string;
  key: string | null;
  value: Uint8Array;
  headers: Headers;
  /** Broker timestamp, ms since epoch. */
  timestamp: number;
}

/** Publishes messages; the promise resolves only once the broker has made them durable. */
export interface MessagePublisher extends AsyncDisposable {
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** Bounded exponential backoff for handler errors that say a retry can help. */
export interface RetryPolicy {
  /** Attempts after the first; 0 disables retries. */
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxRetries: 5,
  initialDelayMs: 100,
  maxDelayMs: 5_000,
});

/**
 * What a handler may ask of the delivery in progress. A handler that waits a long time (a
 * dependency that is down, retried with backoff) calls `heartbeat()` between waits, so the
 * broker does not take its partitions away as if the consumer had died.
 */
export interface Delivery {
  heartbeat(): Promise<void>;
}

/**
 * What a consumer does with each message. `decode` turns bytes into a value and throws a
 * non-retryable error for poison (dead-lettered at once); `handle` acts and throws to fail:
 * a retryable error is retried under the policy, then dead-lettered; any other goes to the
 * dead-letter topic at once.
 */
export interface ConsumeOptions<T> {
  groupId: string;
  topics: readonly string[];
  decode: (message: IncomingMessage) => T;
  handle: (value: NoInfer<T>, message: IncomingMessage, delivery: Delivery) => Promise<void>;
  retry?: RetryPolicy;
  /** Start from the earliest retained message when the group has no committed position. */
  fromBeginning?: boolean;
}

/** One decoded message of a batch, with its coordinates. */
export interface BatchItem<T> {
  value: T;
  message: IncomingMessage;
}

/**
 * Batch consumption: `handleBatch` gets up to `maxBatchSize` decoded messages of one partition,
 * in order, and must make their whole outcome durable at once (e.g. one DB transaction). If it
 * fails for good, the messages are retried one by one, so only the culprit is dead-lettered.
 */
export interface ConsumeBatchOptions<T> {
  groupId: string;
  topics: readonly string[];
  decode: (message: IncomingMessage) => T;
  handleBatch: (items: readonly BatchItem<NoInfer<T>>[], delivery: Delivery) => Promise<void>;
  retry?: RetryPolicy;
  fromBeginning?: boolean;
  maxBatchSize?: number;
  /**
   * How long a consumer may wait for a chunk to fill (up to `maxBatchSize`) before handing over
   * what it has, as Kafka's fetch wait does: larger chunks mean fewer transactions when messages
   * trickle in. Default 0 (hand over at once). The memory bus honours it; on Kafka the
   * consumer's fetch settings decide.
   */
  maxWaitMs?: number;
}

/** A running consumer. `close()` stops fetching, finishes in-flight work, commits and disconnects. */
export interface MessageConsumer extends AsyncDisposable {
  close(): Promise<void>;
  /**
   * Milliseconds the longest-waiting partition has had work in hand without advancing (0 when
   * every partition is idle or caught up). Health checks report a consumer stalled past a bound.
   */
  stalledMs(): number;
}

/** A message bus: the factory the entry files wire to Kafka, NATS or memory. */
export interface MessageBus {
  publisher(): Promise<MessagePublisher>;
  consume<T>(options: ConsumeOptions<T>): Promise<MessageConsumer>;
  consumeBatches<T>(options: ConsumeBatchOptions<T>): Promise<MessageConsumer>;
}

/** Structured logger (pino's shape): a context object, then the message. */
export interface Logger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}
