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
 * Wait until the broker's metadata lists every topic with a leader for each partition. Created
 * "with leaders", a topic can still be missing from a metadata answer for a moment, most on a
 * busy machine; a client that asks then fails with "This server does not host this
 * topic-partition" (seen in CI on a loaded 2-core machine).
 */
async function untilMetadataShows(
  admin: ReturnType<Kafka['admin']>,
  topics: readonly string[],
  deadline: number,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [...topics] });
      const ready = meta.topics.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      );
      if (ready && meta.topics.length === topics.length) return;
    } catch {
      // not in the metadata yet
    }
    if (Date.now() > deadline)
      throw new DependencyUnavailableError(
        `topics ${topics.join(', ')} were created but never appeared in the broker's metadata`,
      );
    await sleep(Math.min(50 * attempt, 500));
  }
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
        await untilMetadataShows(admin, missing, deadline);
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
