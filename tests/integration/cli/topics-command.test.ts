import { jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { bootstrapTopics, platformTopics } from '../../../cli/topics-command.ts';
import { allTopics, DependencyUnavailableError } from '../../../common-core/index.ts';
import { connectNats, createKafka, ensureTopics, silentLogger } from '../../../messaging/index.ts';
import { KAFKA_BROKERS, NATS_SERVERS, testKafka } from '../../helpers/infra.ts';

describe('topic bootstrap (huleedu topics create)', () => {
  it('creates every mapped topic and its .DLT, and the NATS stream, idempotently', async () => {
    const env = { KAFKA_BROKERS: KAFKA_BROKERS.join(','), NATS_SERVERS: NATS_SERVERS.join(',') };
    const lines: string[] = [];
    await bootstrapTopics({ env, log: (m) => lines.push(m) });
    await bootstrapTopics({ env, log: (m) => lines.push(m) });
    // Every mapped topic and its .DLT, present after the first run.
    expect(lines.at(-2)).toMatch(
      new RegExp(`^Kafka topics: 0 created, ${allTopics().length * 2} already present`),
    );
    const admin = testKafka().admin();
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const meta = await admin.fetchTopicMetadata({ topics: allTopics() });
    await admin.disconnect();
    for (const t of platformTopics()) expect(existing.has(t), t).toBe(true);
    for (const t of meta.topics) expect(t.partitions.length).toBeGreaterThanOrEqual(1);
    const nc = await connectNats(NATS_SERVERS, 'test');
    try {
      const info = await (await jetstreamManager(nc)).streams.info('HULEEDU');
      expect(info.config.subjects).toEqual(['huleedu.>']);
      expect(info.config.duplicate_window).toBe(120_000 * 1_000_000);
    } finally {
      await nc.close();
    }
  });

  it('gives up with a clear error when the broker never comes up', async () => {
    const kafka = createKafka({
      brokers: ['127.0.0.1:1'],
      clientId: 't',
      logger: silentLogger,
      connectionTimeoutMs: 200,
      retries: 0,
    });
    const started = Date.now();
    await expect(
      ensureTopics(kafka, {
        topics: ['x'],
        partitions: 1,
        replicationFactor: 1,
        timeoutMs: 1_500,
        logger: silentLogger,
      }),
    ).rejects.toThrow(DependencyUnavailableError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
