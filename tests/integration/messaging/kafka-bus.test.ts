import { ConfigResourceTypes } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventEnvelope, HuleEduError, TransientError } from '../../../common-core/index.ts';
import {
  anyEnvelopeDecoder,
  type DeadLetter,
  KafkaBus,
  MessagingMetrics,
  silentLogger,
} from '../../../messaging/index.ts';
import { asMessage, spellcheckRequest } from '../../helpers/envelopes.ts';
import { createTestTopics, readTopic, testKafka, uniqueName } from '../../helpers/infra.ts';
import { poisonSuite } from '../../helpers/poison-suite.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const seqOf = (env: EventEnvelope<unknown>): number =>
  (env.data as { system_metadata: { error_info: { seq: number } } }).system_metadata.error_info.seq;

describe('Kafka bus (real broker)', () => {
  const kafka = testKafka();
  let topic: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    topic = uniqueName('test.kafka-bus');
    cleanup = await createTestTopics(kafka, [topic]);
  });
  afterAll(async () => {
    await cleanup?.();
  });

  it('produces, consumes in order per key and commits', async () => {
    await using bus = new KafkaBus(kafka, silentLogger);
    const groupId = uniqueName('g');
    const pub = await bus.publisher();
    const keys = ['essay-a', 'essay-b', 'essay-c', 'essay-d'];
    await pub.publish(
      Array.from({ length: 200 }, (_, i) =>
        asMessage(topic, spellcheckRequest(keys[i % 4] as string, i), keys[i % 4] as string),
      ),
    );
    const seen = new Map<string, number[]>();
    const consumer = await bus.consume({
      groupId,
      topics: [topic],
      decode: anyEnvelopeDecoder,
      handle: async (env, m) => {
        expect(m.headers['x-test']).toBe('yes');
        seen.set(m.key ?? '', [...(seen.get(m.key ?? '') ?? []), seqOf(env)]);
      },
    });
    await waitFor('200 handled', () => [...seen.values()].flat().length >= 200, 30_000);
    await consumer.close();
    for (const k of keys) {
      const s = seen.get(k) ?? [];
      expect(s).toEqual(Array.from({ length: 50 }, (_, i) => i * 4 + keys.indexOf(k)));
    }
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    for (const p of committed?.partitions ?? []) {
      expect(p.offset).toBe(ends.find((e) => e.partition === p.partition)?.high);
    }
  });

  it('a consumer restarted mid-stream resumes without loss or gap', async () => {
    const t = uniqueName('test.kafka-restart');
    const clean = await createTestTopics(kafka, [t]);
    try {
      await using bus = new KafkaBus(kafka, silentLogger);
      const groupId = uniqueName('g');
      const pub = await bus.publisher();
      await pub.publish(
        Array.from({ length: 600 }, (_, i) =>
          asMessage(t, spellcheckRequest(`e${i % 10}`, i), `e${i % 10}`),
        ),
      );
      const handled: number[] = [];
      const handle = async (env: EventEnvelope<unknown>): Promise<void> => {
        handled.push(seqOf(env));
        await new Promise((r) => setTimeout(r, 1));
      };
      const first = await bus.consume({ groupId, topics: [t], decode: anyEnvelopeDecoder, handle });
      await waitFor('some handled', () => handled.length >= 150, 30_000);
      await first.close();
      const before = handled.length;
      expect(before).toBeLessThan(600);
      const second = await bus.consume({
        groupId,
        topics: [t],
        decode: anyEnvelopeDecoder,
        handle,
      });
      await waitFor('all handled', () => new Set(handled).size === 600, 60_000);
      await second.close();
      // No loss: every message handled. Redeliveries only of what was not yet committed.
      expect(new Set(handled).size).toBe(600);
      expect(handled.length - 600).toBeLessThan(before);
    } finally {
      await clean();
    }
  }, 120_000);

  it('dead-letters poison with its coordinates and keeps consuming', async () => {
    const registry = new Registry();
    await using bus = new KafkaBus(kafka, silentLogger, MessagingMetrics.for(registry));
    const t = uniqueName('test.kafka-poison');
    const clean = await createTestTopics(kafka, [t], 1);
    try {
      const pub = await bus.publisher();
      const good = spellcheckRequest('essay-p', 1);
      await pub.publish([
        {
          topic: t,
          key: 'essay-p',
          value: Buffer.from('not json at all'),
          headers: { origin: 'poison' },
        },
        asMessage(t, { ...good, schema_version: 99 }, 'essay-p'),
        asMessage(t, good, 'essay-p'),
      ]);
      const handled: string[] = [];
      const consumer = await bus.consume({
        groupId: uniqueName('g'),
        topics: [t],
        decode: anyEnvelopeDecoder,
        handle: async (env) => {
          handled.push(env.event_id);
        },
      });
      await waitFor('good handled', () => handled.length === 1, 30_000);
      await consumer.close();
      const dlt = await readTopic(kafka, `${t}.DLT`, 2);
      const bodies = dlt.map((m) => JSON.parse(m.value) as DeadLetter);
      expect(bodies[0]?.original).toMatchObject({
        topic: t,
        partition: 0,
        offset: '0',
        key: 'essay-p',
        payload: 'not json at all',
        headers: { origin: 'poison' },
      });
      expect(bodies[0]?.error.code).toBe('HULEEDU_INVALID_JSON');
      expect(bodies[1]?.original.offset).toBe('1');
      expect(bodies[1]?.error.code).toBe('HULEEDU_UNSUPPORTED_SCHEMA_VERSION');
      expect(dlt[0]?.key).toBe('essay-p');
      expect(dlt[0]?.headers['huleedu-dlt-original-topic']).toBe(t);
      expect(handled).toEqual([good.event_id]);
      expect(await registry.metrics()).toContain('huleedu_messages_dead_lettered_total');
    } finally {
      await clean();
    }
  });

  it('a poison message whose dead letter would pass the broker limit never stalls its partition (bug: 300 KB of 0x01 became a 1.57 MB dead letter, retried forever)', async () => {
    const t = uniqueName('test.kafka-poison-large');
    const clean = await createTestTopics(kafka, [t], 1);
    try {
      await using bus = new KafkaBus(kafka, silentLogger);
      const pub = await bus.publisher();
      const good = spellcheckRequest('essay-after', 1);
      const hugeError = JSON.stringify({ essay_ids: Array.from({ length: 60_000 }, (_, i) => i) });
      await pub.publish([
        { topic: t, key: 'essay-x', value: Buffer.alloc(300 * 1024, 0x01) },
        // Valid JSON whose validation error is megabytes long.
        { topic: t, key: 'essay-y', value: Buffer.from(hugeError) },
        asMessage(t, good, 'essay-after'),
      ]);
      const handled: string[] = [];
      const consumer = await bus.consume({
        groupId: uniqueName('g'),
        topics: [t],
        decode: (m) => {
          const text = Buffer.from(m.value).toString('utf8');
          if (text.startsWith('{"essay_ids"'))
            throw new HuleEduError('HULEEDU_INVALID_PAYLOAD', `invalid: ${'x'.repeat(4_400_000)}`);
          return anyEnvelopeDecoder(m);
        },
        handle: async (env) => {
          handled.push(env.event_id);
        },
      });
      await waitFor(
        'the good event after the poison is handled',
        () => handled.length === 1,
        30_000,
      );
      expect(consumer.stalledMs()).toBeLessThan(5_000);
      await consumer.close();
      const dlt = await readTopic(kafka, `${t}.DLT`, 2);
      const bodies = dlt.map((m) => JSON.parse(m.value) as DeadLetter);
      expect(bodies.map((b) => b.error.code)).toEqual([
        'HULEEDU_INVALID_JSON',
        'HULEEDU_INVALID_PAYLOAD',
      ]);
      expect(bodies[0]?.original.payload_bytes).toBe(300 * 1024);
      expect(bodies[1]?.error.message.length).toBeLessThan(5_000);
    } finally {
      await clean();
    }
  });

  it('when the DLT topic refuses even the bounded dead letter, a summary goes instead and the partition moves on', async () => {
    const t = uniqueName('test.kafka-dlt-small');
    const clean = await createTestTopics(kafka, [t], 1);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: `${t}.DLT`,
            configEntries: [{ name: 'max.message.bytes', value: '20000' }],
          },
        ],
      });
      await using bus = new KafkaBus(kafka, silentLogger);
      const pub = await bus.publisher();
      const good = spellcheckRequest('essay-after', 1);
      await pub.publish([
        { topic: t, key: 'essay-x', value: Buffer.from(`not json ${'z'.repeat(100_000)}`) },
        asMessage(t, good, 'essay-after'),
      ]);
      const handled: string[] = [];
      const consumer = await bus.consume({
        groupId: uniqueName('g'),
        topics: [t],
        decode: anyEnvelopeDecoder,
        handle: async (env) => {
          handled.push(env.event_id);
        },
      });
      await waitFor(
        'the good event after the poison is handled',
        () => handled.length === 1,
        30_000,
      );
      await consumer.close();
      const [dl] = await readTopic(kafka, `${t}.DLT`, 1);
      const body = JSON.parse(dl?.value ?? '{}') as DeadLetter;
      expect(body.error.code).toBe('HULEEDU_INVALID_JSON');
      expect(body.original.payload).toBe('');
      expect(body.original.payload_bytes).toBe(100_009);
      expect(body.original.payload_sha256).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await admin.disconnect();
      await clean();
    }
  });

  it('retries transient failures with backoff, then dead-letters after the bound', async () => {
    const t = uniqueName('test.kafka-transient');
    const clean = await createTestTopics(kafka, [t], 1);
    try {
      await using bus = new KafkaBus(kafka, silentLogger);
      const pub = await bus.publisher();
      await pub.publish([
        asMessage(t, spellcheckRequest('flaky', 1), 'flaky'),
        asMessage(t, spellcheckRequest('down', 2), 'down'),
      ]);
      const attempts = new Map<string, number[]>();
      const consumer = await bus.consume({
        groupId: uniqueName('g'),
        topics: [t],
        decode: anyEnvelopeDecoder,
        retry: { maxRetries: 3, initialDelayMs: 50, maxDelayMs: 400 },
        handle: async (env, m) => {
          const times = [...(attempts.get(m.key ?? '') ?? []), Date.now()];
          attempts.set(m.key ?? '', times);
          if (m.key === 'flaky' && times.length < 3) throw new TransientError('blip');
          if (m.key === 'down')
            throw new TransientError(`content service down (seq ${seqOf(env)})`);
        },
      });
      const dlt = await readTopic(kafka, `${t}.DLT`, 1);
      await consumer.close();
      expect(attempts.get('flaky')).toHaveLength(3);
      const down = attempts.get('down') ?? [];
      expect(down).toHaveLength(4);
      // Backoff grows: the last gap is longer than the first.
      expect((down[3] as number) - (down[2] as number)).toBeGreaterThan(
        (down[1] as number) - (down[0] as number),
      );
      const body = JSON.parse(dlt[0]?.value ?? '{}') as DeadLetter;
      expect(body.error.code).toBe('HULEEDU_RETRIES_EXHAUSTED');
      expect(body.error.message).toContain('content service down');
      expect(body.attempts).toBe(4);
      expect(dlt).toHaveLength(1);
    } finally {
      await clean();
    }
  });

  describe('poison through every consumer path', () => {
    const bus = new KafkaBus(kafka, silentLogger);
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      await bus[Symbol.asyncDispose]();
      for (const c of cleanups) await c();
    });
    poisonSuite({
      bus: () => bus,
      topic: async () => {
        const t = uniqueName('test.kafka-poison-path');
        cleanups.push(await createTestTopics(kafka, [t], 1));
        return t;
      },
      deadLetters: async (t, count) =>
        (await readTopic(kafka, `${t}.DLT`, count)).map((m) => JSON.parse(m.value) as DeadLetter),
      waitMs: 30_000,
    });
  });
});
