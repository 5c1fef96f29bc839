import {
  type ConsumeOptions,
  DEFAULT_RETRY_POLICY,
  HuleEduError,
  type IncomingMessage,
  type Logger,
  type OutgoingMessage,
} from '../../common-core/index.ts';
import { type DeadLetter, deadLetterFor, describeError } from './dead-letter.ts';
import { DeliveryInterruptedError } from './delivery-interrupted-error.ts';
import type { MessagingMetrics } from './messaging-metrics.ts';
import { RetriesExhaustedError, retry } from './retry.ts';

export interface DeliveryContext {
  /** Publishes a dead letter durably; if it throws, the message is not committed. */
  deadLetter: (message: OutgoingMessage) => Promise<void>;
  metrics?: MessagingMetrics | undefined;
  /** Aborted on shutdown: a message waiting for a retry is left uncommitted for redelivery. */
  signal?: AbortSignal | undefined;
  /** Keeps the consumer's group session alive while a message is retried. */
  heartbeat?: (() => Promise<void>) | undefined;
  now?: () => number;
  /** Every dead letter is logged here once, at warn, with its code and coordinates. */
  logger?: Logger | undefined;
}

export type DeliveryOutcome = 'processed' | 'dead_lettered';

export { DeliveryInterruptedError } from './delivery-interrupted-error.ts';

function eventTimestampOf(value: unknown): number | undefined {
  if (value === null || typeof value !== 'object' || !('event_timestamp' in value))
    return undefined;
  const ts = (value as { event_timestamp: unknown }).event_timestamp;
  if (typeof ts !== 'string') return undefined;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Record how long a decoded event waited, from its `event_timestamp` to now (if it has one). */
export function observeQueueLatency(
  value: unknown,
  message: IncomingMessage,
  groupId: string,
  context: DeliveryContext,
): void {
  const eventMs = eventTimestampOf(value);
  if (eventMs === undefined || !context.metrics) return;
  const latency = ((context.now ?? Date.now)() - eventMs) / 1000;
  // Clock skew can make this negative; such samples say nothing about the queue.
  if (latency >= 0)
    context.metrics.queueLatency.observe(
      { topic: message.topic, consumer_group: groupId },
      latency,
    );
}

/**
 * Take one message to a durable outcome: decoded and handled, or dead-lettered.
 * Poison (decode error) is dead-lettered at once; a retryable handler error is retried
 * under the policy with backoff and then dead-lettered; any other error at once.
 * Resolves only when the outcome is durable, so the caller may then commit.
 */
export async function deliver<T>(
  message: IncomingMessage,
  options: ConsumeOptions<T>,
  context: DeliveryContext,
): Promise<DeliveryOutcome> {
  const labels = { topic: message.topic, consumer_group: options.groupId };
  let value: T;
  try {
    value = options.decode(message);
  } catch (error) {
    await sendToDlt(message, describeError(error), options.groupId, 0, context);
    return 'dead_lettered';
  }

  observeQueueLatency(value, message, options.groupId, context);

  const delivery = { heartbeat: async () => context.heartbeat?.() };
  let attempts = 0;
  try {
    await retry(
      async (n) => {
        attempts = n;
        try {
          await options.handle(value, message, delivery);
        } catch (error) {
          context.metrics?.failed.inc(labels);
          throw error;
        }
      },
      {
        policy: options.retry ?? DEFAULT_RETRY_POLICY,
        signal: context.signal,
        beforeNextAttempt: async () => context.heartbeat?.(),
      },
    );
  } catch (error) {
    if (error instanceof DeliveryInterruptedError) throw error;
    const described =
      error instanceof RetriesExhaustedError
        ? {
            code: error.code,
            message: `gave up after ${attempts} attempts: ${describeError(error.cause).message}`,
            retryable: false,
          }
        : describeError(error);
    await sendToDlt(message, described, options.groupId, attempts, context);
    return 'dead_lettered';
  }
  context.metrics?.processed.inc(labels);
  return 'processed';
}

/** Whether a broker refused a record for good (see `HULEEDU_MESSAGE_REFUSED`). */
function refused(error: unknown): boolean {
  return error instanceof HuleEduError && error.code === 'HULEEDU_MESSAGE_REFUSED';
}

/**
 * Dead-letter one message durably, count it and log it once. The dead letter is bounded by
 * construction; should the broker still refuse it for good (a DLT topic with a smaller
 * `max.message.bytes`), a summary without the payload and headers goes instead, so that a
 * refusal can never hold the partition.
 */
export async function sendToDlt(
  message: IncomingMessage,
  error: DeadLetter['error'],
  groupId: string,
  attempts: number,
  context: DeliveryContext,
): Promise<void> {
  try {
    await context.deadLetter(deadLetterFor(message, error, groupId, attempts));
  } catch (failure) {
    if (!refused(failure)) throw failure;
    await context.deadLetter(
      deadLetterFor(message, error, groupId, attempts, { summaryOnly: true }),
    );
  }
  context.metrics?.deadLettered.inc({
    topic: message.topic,
    consumer_group: groupId,
    code: error.code,
  });
  context.logger?.warn(
    {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key === null ? null : message.key.slice(0, 200),
      code: error.code,
      reason: error.message.slice(0, 500),
      consumer_group: groupId,
      attempts,
    },
    'message dead-lettered',
  );
}
