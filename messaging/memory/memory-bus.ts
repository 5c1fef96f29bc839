import { EventEmitter } from 'node:events';
import type {
  ConsumeBatchOptions,
  ConsumeOptions,
  IncomingMessage,
  Logger,
  MessageBus,
  MessageConsumer,
  MessagePublisher,
  OutgoingMessage,
} from '../../common-core/index.ts';
import { backoffDelay, sleep } from '../core/backoff.ts';
import { type DeliveryContext, DeliveryInterruptedError, deliver } from '../core/deliver.ts';
import { deliverBatch } from '../core/deliver-batch.ts';
import type { MessagingMetrics } from '../core/messaging-metrics.ts';
import { ProgressWatch } from '../core/progress-watch.ts';
import { MEMORY_REDELIVERY_BACKOFF } from '../core/retry-policies.ts';

type ChunkHandler = (chunk: IncomingMessage[], context: DeliveryContext) => Promise<void>;

export interface MemoryBusOptions {
  partitions?: number;
  /**
   * `all` (default): every message stays, for inspection (`messages()`) and for groups that
   * start later. `unconsumed`: a message is dropped once every group that consumes its topic has
   * committed past it, and one that no group consumes is not kept at all — except dead letters,
   * which always stay. For long embedded runs: memory then holds the work in flight, not the
   * history. Start the consumers before publishing: a group sees nothing dropped before it came.
   */
  retain?: 'all' | 'unconsumed';
  metrics?: MessagingMetrics;
  /** Dead letters are logged here at warn. */
  logger?: Logger;
}

/** Java-like string hash: stable, so a key always lands on the same partition. */
function partitionOf(key: string, partitions: number): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(31, h) + key.charCodeAt(i)) | 0;
  return Math.abs(h) % partitions;
}

/** One partition's log: the messages still held, the first at offset `base`. */
interface PartitionLog {
  base: number;
  messages: IncomingMessage[];
}

/** Dropping consumed messages waits until this many can go at once (an array shift is O(n)). */
const TRIM_AT_LEAST = 256;

/**
 * An in-process bus with Kafka's semantics: partitioned logs ordered per key, consumer
 * groups with committed positions that survive a consumer's restart, redelivery when the
 * outcome could not be made durable, and `<topic>.DLT` dead letters. For the embedded mode
 * and unit tests. A group has at most one live member per topic (no rebalancing).
 */
export class MemoryBus implements MessageBus, AsyncDisposable {
  private readonly logs = new Map<string, PartitionLog[]>();
  /** The groups that consume each topic (with `retain: 'unconsumed'`, what holds messages). */
  private readonly readers = new Map<string, Set<string>>();
  private readonly committed = new Map<string, number>();
  private readonly members = new Set<string>();
  private readonly consumers = new Set<MessageConsumer>();
  private readonly appended = new EventEmitter().setMaxListeners(0);
  readonly partitions: number;

  constructor(private readonly options: MemoryBusOptions = {}) {
    this.partitions = options.partitions ?? 3;
  }

  private partitionsOf(topic: string): PartitionLog[] {
    let log = this.logs.get(topic);
    if (!log) {
      log = Array.from({ length: this.partitions }, () => ({ base: 0, messages: [] }));
      this.logs.set(topic, log);
    }
    return log;
  }

  /** Whether a message of `topic` that nobody consumes is dropped at once. */
  private dropsUnread(topic: string): boolean {
    return (
      this.options.retain === 'unconsumed' &&
      !topic.endsWith('.DLT') &&
      (this.readers.get(topic)?.size ?? 0) === 0
    );
  }

  /** With `retain: 'unconsumed'`: drop what every group of the topic has committed past. */
  private trim(topic: string, partition: number): void {
    if (this.options.retain !== 'unconsumed' || topic.endsWith('.DLT')) return;
    const log = this.partitionsOf(topic)[partition] as PartitionLog;
    let upTo = Number.POSITIVE_INFINITY;
    for (const group of this.readers.get(topic) ?? [])
      upTo = Math.min(upTo, this.committedOffset(group, topic, partition));
    const drop = Math.min(upTo, log.base + log.messages.length) - log.base;
    if (drop >= TRIM_AT_LEAST) {
      log.messages.splice(0, drop);
      log.base += drop;
    }
  }

  /** Append messages; they are "durable" once this returns. */
  append(messages: readonly OutgoingMessage[]): void {
    for (const m of messages) {
      const partition = partitionOf(m.key, this.partitions);
      const log = this.partitionsOf(m.topic)[partition] as PartitionLog;
      const offset = log.base + log.messages.length;
      if (this.dropsUnread(m.topic)) {
        log.base++;
        continue;
      }
      log.messages.push({
        topic: m.topic,
        partition,
        offset: String(offset),
        key: m.key,
        value: m.value,
        headers: { ...(m.headers ?? {}) },
        timestamp: Date.now(),
      });
      this.appended.emit(m.topic);
    }
  }

  /** Every message of a topic still held, partition by partition (for tests and inspection). */
  messages(topic: string): IncomingMessage[] {
    return this.partitionsOf(topic).flatMap((log) => log.messages);
  }

  /** The next offset a group will read in a partition. */
  committedOffset(groupId: string, topic: string, partition: number): number {
    return this.committed.get(`${groupId}|${topic}|${partition}`) ?? 0;
  }

  async publisher(): Promise<MessagePublisher> {
    const bus = this;
    let closed = false;
    return {
      async publish(messages) {
        if (closed) throw new Error('publisher is closed');
        bus.append(messages);
      },
      async close() {
        closed = true;
      },
      async [Symbol.asyncDispose]() {
        closed = true;
      },
    };
  }

  async consume<T>(options: ConsumeOptions<T>): Promise<MessageConsumer> {
    return this.start(options.groupId, options.topics, 1, 0, (chunk, context) =>
      deliver(chunk[0] as IncomingMessage, options, context).then(() => {}),
    );
  }

  async consumeBatches<T>(options: ConsumeBatchOptions<T>): Promise<MessageConsumer> {
    return this.start(
      options.groupId,
      options.topics,
      options.maxBatchSize ?? 500,
      options.maxWaitMs ?? 0,
      (chunk, context) => deliverBatch(chunk, options, context),
    );
  }

  private async start(
    groupId: string,
    topics: readonly string[],
    chunkSize: number,
    maxWaitMs: number,
    handleChunk: ChunkHandler,
  ): Promise<MessageConsumer> {
    const options = { groupId, topics };
    for (const topic of options.topics) {
      const member = `${options.groupId}|${topic}`;
      if (this.members.has(member)) {
        throw new Error(
          `group ${options.groupId} already has a live consumer of ${topic} (memory bus: one per group)`,
        );
      }
      this.members.add(member);
      const readers = this.readers.get(topic) ?? new Set<string>();
      this.readers.set(topic, readers.add(groupId));
    }
    const abort = new AbortController();
    const progress = new ProgressWatch();
    const loops: Promise<void>[] = [];
    for (const topic of options.topics) {
      for (let p = 0; p < this.partitions; p++) {
        loops.push(
          this.runPartition(
            groupId,
            topic,
            p,
            { chunkSize, maxWaitMs },
            handleChunk,
            abort.signal,
            progress,
          ),
        );
      }
    }
    let closing: Promise<void> | undefined;
    const consumer: MessageConsumer = {
      close: () => {
        closing ??= (async () => {
          abort.abort();
          this.appended.emit('*wake*');
          await Promise.allSettled(loops);
          for (const topic of options.topics) this.members.delete(`${options.groupId}|${topic}`);
          this.consumers.delete(consumer);
        })();
        return closing;
      },
      stalledMs: () => progress.stalledMs(),
      [Symbol.asyncDispose]: () => consumer.close(),
    };
    this.consumers.add(consumer);
    return consumer;
  }

  private async runPartition(
    groupId: string,
    topic: string,
    partition: number,
    { chunkSize, maxWaitMs }: { chunkSize: number; maxWaitMs: number },
    handleChunk: ChunkHandler,
    signal: AbortSignal,
    progress: ProgressWatch,
  ): Promise<void> {
    const commitKey = `${groupId}|${topic}|${partition}`;
    const lane = `${topic}/${partition}`;
    let failures = 0;
    while (!signal.aborted) {
      const log = this.partitionsOf(topic)[partition] as PartitionLog;
      // A group that starts behind what was dropped begins at the oldest message held.
      const next = Math.max(this.committed.get(commitKey) ?? 0, log.base);
      const end = (): number => log.base + log.messages.length;
      if (end() === next) {
        await this.waitForAppend(topic, signal);
        continue;
      }
      // A chunk that is not full may wait a little for more (see `maxWaitMs`).
      const until = performance.now() + maxWaitMs;
      while (end() - next < chunkSize && !signal.aborted) {
        const left = until - performance.now();
        if (left <= 0) break;
        await this.waitForAppend(topic, signal, left);
      }
      const chunk = log.messages.slice(next - log.base, next - log.base + chunkSize);
      progress.begin(lane);
      try {
        await handleChunk(chunk, {
          deadLetter: async (dl) => this.append([dl]),
          metrics: this.options.metrics,
          logger: this.options.logger,
          signal,
        });
        this.committed.set(commitKey, next + chunk.length);
        progress.advanced(lane);
        failures = 0;
        this.trim(topic, partition);
      } catch (error) {
        if (error instanceof DeliveryInterruptedError) return;
        // The outcome is not durable: leave the position and redeliver after a pause.
        failures++;
        await sleep(backoffDelay(MEMORY_REDELIVERY_BACKOFF, failures), signal);
      }
      // Let other partitions and the event loop breathe between chunks.
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** Until a message is appended to `topic`, the consumer closes, or `timeoutMs` passes. */
  private waitForAppend(topic: string, signal: AbortSignal, timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => done(), timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.appended.off(topic, done);
        this.appended.off('*wake*', done);
        resolve();
      };
      this.appended.on(topic, done);
      this.appended.on('*wake*', done);
    });
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.consumers].map((c) => c.close()));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
