import type { Kafka } from 'kafkajs';
import { DependencyUnavailableError, type Logger } from '../../common-core/index.ts';
import { backoffDelay, sleep } from '../core/backoff.ts';

export interface EnsureTopicsOptions {
  topics: readonly string[];
  partitions: number;
  replicationFactor: number;
  /** Give up when the broker has not answered by then. */
  timeoutMs: number;
  logger: Logger;
}

export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
}

/**
 * Create the topics that do not exist yet (idempotent). While the broker is starting,
 * retries with capped backoff until `timeoutMs`, then throws naming the brokers.
 */
export async function ensureTopics(
  kafka: Kafka,
  options: EnsureTopicsOptions,
): Promise<EnsureTopicsResult> {
  const deadline = Date.now() + options.timeoutMs;
  const policy = { maxRetries: Number.MAX_SAFE_INTEGER, initialDelayMs: 250, maxDelayMs: 3_000 };
  let lastError: unknown;
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    const admin = kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = options.topics.filter((t) => !existing.has(t));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: options.partitions,
            replicationFactor: options.replicationFactor,
          })),
        });
      }
      return { created: missing, existing: options.topics.filter((t) => existing.has(t)) };
    } catch (error) {
      lastError = error;
      options.logger.warn(
        { attempt, err: (error as Error).message },
        'Kafka not ready for topic creation; retrying',
      );
      await sleep(Math.min(backoffDelay(policy, attempt), Math.max(0, deadline - Date.now())));
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }
  throw new DependencyUnavailableError(
    `Kafka did not accept topic creation within ${options.timeoutMs} ms: ${(lastError as Error | undefined)?.message ?? 'no answer'}`,
    { cause: lastError },
  );
}
