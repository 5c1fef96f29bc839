import {
  type BatchItem,
  type ConsumeBatchOptions,
  DEFAULT_RETRY_POLICY,
  type IncomingMessage,
  isRetryable,
} from '../../common-core/index.ts';
import { describeError } from './dead-letter.ts';
import {
  type DeliveryContext,
  DeliveryInterruptedError,
  deliver,
  observeQueueLatency,
  sendToDlt,
} from './deliver.ts';
import { retry } from './retry.ts';

/**
 * Take a chunk of messages (one partition, in order) to a durable outcome. Poison is
 * dead-lettered first; the rest go to `handleBatch` together, retried under the policy while
 * the error is retryable. If the batch still fails, each message is delivered on its own, so
 * that only the messages that fail alone are dead-lettered.
 */
export async function deliverBatch<T>(
  messages: readonly IncomingMessage[],
  options: ConsumeBatchOptions<T>,
  context: DeliveryContext,
): Promise<void> {
  const items: BatchItem<T>[] = [];
  for (const message of messages) {
    try {
      const value = options.decode(message);
      observeQueueLatency(value, message, options.groupId, context);
      items.push({ value, message });
    } catch (error) {
      await sendToDlt(message, describeError(error), options.groupId, 0, context);
    }
  }
  if (items.length === 0) return;
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const delivery = { heartbeat: async () => context.heartbeat?.() };
  try {
    await retry(
      async () => {
        try {
          await options.handleBatch(items, delivery);
        } catch (error) {
          context.metrics?.failed.inc({
            topic: items[0]?.message.topic ?? '',
            consumer_group: options.groupId,
          });
          throw error;
        }
      },
      {
        policy,
        // One message alone goes straight to its own delivery below, with the full policy.
        retryable: (error: unknown) => items.length > 1 && isRetryable(error),
        signal: context.signal,
        beforeNextAttempt: async () => context.heartbeat?.(),
      },
    );
    for (const item of items)
      context.metrics?.processed.inc({
        topic: item.message.topic,
        consumer_group: options.groupId,
      });
    return;
  } catch (error) {
    // Shutting down mid-batch: leave the chunk uncommitted for redelivery.
    if (error instanceof DeliveryInterruptedError) throw error;
  }
  // Isolate the culprit: one message at a time, each with the full single-message policy (its
  // queue latency is observed a second time there: rare, and only on this failure path).
  for (const item of items) {
    await deliver(
      item.message,
      {
        groupId: options.groupId,
        topics: options.topics,
        decode: () => item.value,
        handle: (value, _message, single) =>
          options.handleBatch([{ value, message: item.message }], single),
        retry: policy,
      },
      context,
    );
  }
}
