import { jetstreamManager } from '@nats-io/jetstream';
import { z } from 'zod';
import {
  allTopics,
  dltTopic,
  type EnvSource,
  HostList,
  loadSettings,
} from '../common-core/index.ts';
import {
  connectNats,
  createKafka,
  ensureStream,
  ensureTopics,
  silentLogger,
} from '../messaging/index.ts';

/** Settings of the topic bootstrap (`huleedu topics create`). */
export const TopicsSettingsSchema = z.object({
  KAFKA_BROKERS: HostList.default(['127.0.0.1:9092']),
  NATS_SERVERS: HostList.default(['127.0.0.1:4222']),
  TOPICS_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(3),
  TOPICS_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(7).default(1),
  TOPICS_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('HULEEDU'),
  NATS_DUPLICATE_WINDOW_MS: z.coerce.number().int().min(1000).default(120_000),
  TOPICS_SKIP_NATS: z.enum(['true', 'false']).default('false'),
});

/** Every topic the platform uses: the mapped ones and their dead-letter topics. */
export function platformTopics(): string[] {
  return allTopics().flatMap((t) => [t, dltTopic(t)]);
}

/**
 * Create every mapped topic and its `.DLT` (idempotent, waits for a starting broker) and the
 * JetStream stream for `huleedu.>` with a duplicate window.
 */
export async function bootstrapTopics(options: {
  env: EnvSource;
  log: (msg: string) => void;
}): Promise<void> {
  const s = loadSettings('topics', TopicsSettingsSchema, { env: options.env });
  const kafka = createKafka({
    brokers: s.KAFKA_BROKERS,
    clientId: 'huleedu-topics',
    logger: silentLogger,
    // ensureTopics retries with its own deadline; nested client retries would overshoot it.
    retries: 0,
  });
  const result = await ensureTopics(kafka, {
    topics: platformTopics(),
    partitions: s.TOPICS_PARTITIONS,
    replicationFactor: s.TOPICS_REPLICATION_FACTOR,
    timeoutMs: s.TOPICS_TIMEOUT_MS,
    logger: silentLogger,
  });
  options.log(
    `Kafka topics: ${result.created.length} created, ${result.existing.length} already present ` +
      `(${s.TOPICS_PARTITIONS} partitions, replication ${s.TOPICS_REPLICATION_FACTOR})`,
  );
  if (s.TOPICS_SKIP_NATS === 'true') return;
  const nc = await connectNats(s.NATS_SERVERS, 'huleedu-topics');
  try {
    const outcome = await ensureStream(await jetstreamManager(nc), {
      name: s.NATS_STREAM,
      subjects: ['huleedu.>'],
      duplicateWindowMs: s.NATS_DUPLICATE_WINDOW_MS,
    });
    options.log(
      `NATS stream ${s.NATS_STREAM} (huleedu.>): ${outcome}, duplicate window ${s.NATS_DUPLICATE_WINDOW_MS} ms`,
    );
  } finally {
    await nc.close();
  }
}
