import type { Consumer, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type {
  ConsumeBatchOptions,
  ConsumeOptions,
  Headers,
  IncomingMessage,
  Logger,
  MessageConsumer,
  MessagePublisher,
} from '../../common-core/index.ts';
import { type DeliveryContext, DeliveryInterruptedError, deliver } from '../core/deliver.ts';
import { deliverBatch } from '../core/deliver-batch.ts';
import type { MessagingMetrics } from '../core/messaging-metrics.ts';
import { ProgressWatch } from '../core/progress-watch.ts';

export interface KafkaConsumerDeps {
  kafka: Kafka;
  /** Where dead letters go (`<topic>.DLT`). */
  deadLetterPublisher: MessagePublisher;
  logger: Logger;
  metrics?: MessagingMetrics;
  /** Partitions handled at once; messages of one partition are always handled in order. */
  partitionsConsumedConcurrently?: number;
  /** Commit at least this often while working through a large fetch. */
  commitEveryMessages?: number;
}

/** Kafka headers as strings; a repeated header keeps its last value. */
export function headersToStrings(headers: IHeaders | undefined): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (last !== undefined) out[k] = last.toString();
  }
  return out;
}

/** A kafkajs message as the ports' `IncomingMessage`. */
export function toIncoming(topic: string, partition: number, m: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key === null ? null : m.key.toString('utf8'),
    value: m.value ?? Buffer.alloc(0),
    headers: headersToStrings(m.headers),
    timestamp: Number(m.timestamp),
  };
}

/**
 * A Kafka consumer-group member with manual commits: a message's offset is committed only
 * after `deliver` made its outcome durable (handled, or dead-lettered). Partitions run
 * concurrently; each partition strictly in order.
 */
export class KafkaMessageConsumer implements MessageConsumer {
  private readonly abort = new AbortController();
  private readonly progress = new ProgressWatch();
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly consumer: Consumer,
    private readonly logger: Logger,
  ) {}

  static start<T>(
    options: ConsumeOptions<T>,
    deps: KafkaConsumerDeps,
  ): Promise<KafkaMessageConsumer> {
    return KafkaMessageConsumer.run(
      options.groupId,
      options.topics,
      options.fromBeginning,
      1,
      deps,
      (chunk, context) => deliver(chunk[0] as IncomingMessage, options, context).then(() => {}),
    );
  }

  /** Batch mode: chunks of up to `maxBatchSize` messages of one partition go to `handleBatch` together. */
  static startBatches<T>(
    options: ConsumeBatchOptions<T>,
    deps: KafkaConsumerDeps,
  ): Promise<KafkaMessageConsumer> {
    return KafkaMessageConsumer.run(
      options.groupId,
      options.topics,
      options.fromBeginning,
      options.maxBatchSize ?? 500,
      deps,
      (chunk, context) => deliverBatch(chunk, options, context),
    );
  }

  private static async run(
    groupId: string,
    topics: readonly string[],
    fromBeginning: boolean | undefined,
    chunkSize: number,
    deps: KafkaConsumerDeps,
    handleChunk: (chunk: IncomingMessage[], context: DeliveryContext) => Promise<void>,
  ): Promise<KafkaMessageConsumer> {
    const options = { groupId, topics, fromBeginning };
    const consumer = deps.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // A killed member's partitions wait this long for a new owner (the chaos suite measured
      // 30-36 s of stall with 30 s); the loop heartbeats after every chunk and while retrying.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    const self = new KafkaMessageConsumer(
      consumer,
      deps.logger.child({ consumer_group: options.groupId }),
    );
    const commitEvery = deps.commitEveryMessages ?? 500;
    await consumer.connect();
    await consumer.subscribe({
      topics: [...options.topics],
      fromBeginning: options.fromBeginning ?? true,
    });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      // Partitions now assigned elsewhere are another member's to advance.
      const lanes = new Set<string>();
      for (const [topic, partitions] of Object.entries(e.payload.memberAssignment))
        for (const p of partitions) lanes.add(`${topic}/${p}`);
      self.progress.retain(lanes);
    });
    consumer.on(consumer.events.CRASH, (e) => {
      self.logger.error(
        { err: e.payload.error, restart: e.payload.restart },
        'Kafka consumer crashed',
      );
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: deps.partitionsConsumedConcurrently ?? 3,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        isRunning,
        isStale,
        commitOffsetsIfNecessary,
      }) => {
        let pending: string | undefined;
        let sinceCommit = 0;
        const lane = `${batch.topic}/${batch.partition}`;
        const commit = async (): Promise<void> => {
          if (pending === undefined) return;
          const next = (BigInt(pending) + 1n).toString();
          // Through the batch's own commit: consumer.commitOffsets() is a silent no-op once
          // stop() began, which would lose the commit of a draining batch.
          await commitOffsetsIfNecessary({
            topics: [
              { topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] },
            ],
          });
          pending = undefined;
          sinceCommit = 0;
        };
        try {
          const context: DeliveryContext = {
            deadLetter: (dl) => deps.deadLetterPublisher.publish([dl]),
            metrics: deps.metrics,
            logger: self.logger,
            signal: self.abort.signal,
            heartbeat,
          };
          for (let i = 0; i < batch.messages.length; i += chunkSize) {
            if (!isRunning() || isStale() || self.abort.signal.aborted) break;
            const chunk = batch.messages.slice(i, i + chunkSize);
            self.progress.begin(lane);
            await handleChunk(
              chunk.map((m) => toIncoming(batch.topic, batch.partition, m)),
              context,
            );
            const last = chunk[chunk.length - 1] as KafkaMessage;
            resolveOffset(last.offset);
            self.progress.advanced(lane);
            pending = last.offset;
            sinceCommit += chunk.length;
            if (sinceCommit >= commitEvery) await commit();
          }
        } catch (error) {
          // Commit what is done; the failed message and the rest are fetched again.
          await commit();
          if (error instanceof DeliveryInterruptedError) return;
          throw error;
        }
        await commit();
        await heartbeat();
      },
    });
    return self;
  }

  stalledMs(): number {
    return this.progress.stalledMs();
  }

  /** Stop fetching, let the in-flight batch finish (retries waiting are cut short), commit, leave. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.abort.abort();
      await this.consumer.disconnect();
    })();
    return this.closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
