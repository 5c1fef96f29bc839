import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  HuleEduError,
  type IncomingMessage,
  type Logger,
  type OutgoingMessage,
  PermanentError,
  TransientError,
} from '../../../common-core/index.ts';
import {
  type DeadLetter,
  DeliveryInterruptedError,
  deliver,
  deliverBatch,
  MessagingMetrics,
} from '../../../messaging/index.ts';
import { metricValues } from '../../helpers/metric-values.ts';
import { recordingLogger } from '../../helpers/recording-logger.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const message = (offset: string, value = '{}'): IncomingMessage => ({
  topic: 't',
  partition: 0,
  offset,
  key: 'k',
  value: Buffer.from(value),
  headers: {},
  timestamp: 0,
});
const fast = { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 1 };

/** A delivery context that records dead letters and heartbeats. */
function context(
  extra: {
    deadLetter?: (m: OutgoingMessage) => Promise<void>;
    signal?: AbortSignal;
    now?: () => number;
    logger?: Logger;
  } = {},
) {
  const letters: DeadLetter[] = [];
  let heartbeats = 0;
  const registry = new Registry();
  const metrics = MessagingMetrics.for(registry);
  const ctx = {
    deadLetter:
      extra.deadLetter ??
      (async (m: OutgoingMessage) => {
        letters.push(JSON.parse(Buffer.from(m.value).toString()) as DeadLetter);
      }),
    heartbeat: async () => {
      heartbeats++;
    },
    metrics,
    ...(extra.signal ? { signal: extra.signal } : {}),
    ...(extra.now ? { now: extra.now } : {}),
    ...(extra.logger ? { logger: extra.logger } : {}),
  };
  const metric = async (name: string) =>
    ((await registry.getSingleMetric(name)?.get())?.values ?? []).reduce((n, v) => n + v.value, 0);
  const latencyCount = async () =>
    (await registry.getSingleMetric('kafka_message_queue_latency_seconds')?.get())?.values.find(
      (v) => (v as { metricName?: string }).metricName?.endsWith('_count'),
    )?.value ?? 0;
  const series = (name: string) => metricValues(registry, name);
  return { ctx, letters, heartbeats: () => heartbeats, metric, latencyCount, series };
}

describe('deliver', () => {
  it('dead-letters a message that does not decode at once, with attempts 0, and never calls the handler', async () => {
    const { ctx, letters, metric } = context();
    let handled = 0;
    const outcome = await deliver(
      message('3'),
      {
        groupId: 'g',
        topics: ['t'],
        decode: () => {
          throw new PermanentError('cannot decode');
        },
        handle: async () => {
          handled++;
        },
      },
      ctx,
    );
    expect(outcome).toBe('dead_lettered');
    expect(handled).toBe(0);
    expect(letters.map((l) => [l.original.offset, l.attempts, l.error.message])).toEqual([
      ['3', 0, 'cannot decode'],
    ]);
    expect(await metric('huleedu_messages_dead_lettered_total')).toBe(1);
  });

  it('retries a transient failure with a heartbeat between attempts, then succeeds', async () => {
    const { ctx, letters, heartbeats, metric } = context();
    let calls = 0;
    const outcome = await deliver(
      message('1'),
      {
        groupId: 'g',
        topics: ['t'],
        decode: (m) => m.offset,
        handle: async () => {
          if (++calls < 3) throw new TransientError('busy');
        },
        retry: fast,
      },
      ctx,
    );
    expect([outcome, calls, heartbeats(), letters.length]).toEqual(['processed', 3, 2, 0]);
    expect(await metric('huleedu_message_handler_failures_total')).toBe(2);
    expect(await metric('huleedu_messages_processed_total')).toBe(1);
  });

  it('gives up after the retry bound with HULEEDU_RETRIES_EXHAUSTED, naming the attempts and the cause', async () => {
    const { ctx, letters } = context();
    let calls = 0;
    await deliver(
      message('2'),
      {
        groupId: 'g',
        topics: ['t'],
        decode: (m) => m.offset,
        handle: async () => {
          calls++;
          throw new TransientError('still busy');
        },
        retry: fast,
      },
      ctx,
    );
    expect(calls).toBe(3);
    expect(letters[0]?.error).toMatchObject({
      code: 'HULEEDU_RETRIES_EXHAUSTED',
      message: 'gave up after 3 attempts: still busy',
      retryable: false,
    });
    expect(letters[0]?.attempts).toBe(3);
  });

  it('dead-letters a permanent failure at once with its own code', async () => {
    const { ctx, letters } = context();
    let calls = 0;
    await deliver(
      message('2'),
      {
        groupId: 'g',
        topics: ['t'],
        decode: (m) => m.offset,
        handle: async () => {
          calls++;
          throw new HuleEduError('HULEEDU_NOT_FOUND', 'gone');
        },
        retry: fast,
      },
      ctx,
    );
    expect(calls).toBe(1);
    expect(letters[0]?.error).toMatchObject({ code: 'HULEEDU_NOT_FOUND', message: 'gone' });
  });

  it('leaves the message uncommitted (throws) when shutdown interrupts a retry', async () => {
    const controller = new AbortController();
    const { ctx, letters } = context({ signal: controller.signal });
    await expect(
      deliver(
        message('2'),
        {
          groupId: 'g',
          topics: ['t'],
          decode: (m) => m.offset,
          handle: async () => {
            controller.abort();
            throw new TransientError('busy');
          },
          retry: { maxRetries: 5, initialDelayMs: 60_000, maxDelayMs: 60_000 },
        },
        ctx,
      ),
    ).rejects.toBeInstanceOf(DeliveryInterruptedError);
    expect(letters).toEqual([]);
  });

  it('shutdown during the backoff pause: no further attempt, the message left uncommitted', async () => {
    const controller = new AbortController();
    const { ctx, letters } = context({ signal: controller.signal });
    let calls = 0;
    const delivering = deliver(
      message('2'),
      {
        groupId: 'g',
        topics: ['t'],
        decode: (m) => m.offset,
        handle: async () => {
          calls++;
          throw new TransientError('busy');
        },
        retry: { maxRetries: 5, initialDelayMs: 60_000, maxDelayMs: 60_000 },
      },
      ctx,
    );
    await waitFor('the first attempt failed', () => calls === 1);
    controller.abort();
    await expect(delivering).rejects.toBeInstanceOf(DeliveryInterruptedError);
    expect(calls, 'attempts after the shutdown').toBe(1);
    expect(letters).toEqual([]);
  });

  it('a handler that reports the shutdown itself is not retried or dead-lettered', async () => {
    const { ctx, letters } = context();
    let calls = 0;
    const error = await deliver(
      message('2'),
      {
        groupId: 'g',
        topics: ['t'],
        decode: (m) => m.offset,
        handle: async () => {
          calls++;
          throw new DeliveryInterruptedError();
        },
        retry: fast,
      },
      ctx,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryInterruptedError);
    expect(error).toMatchObject({
      name: 'DeliveryInterruptedError',
      code: 'HULEEDU_CLOSED',
      retryable: true,
      message: 'consumer is shutting down; message left for redelivery',
    });
    expect([calls, letters.length]).toEqual([1, 0]);
  });

  it('handles a decoded value that is null or not an object (no event time to measure)', async () => {
    const { ctx, latencyCount } = context({ now: () => 0 });
    for (const value of [null, 'text', 7])
      expect(
        await deliver(
          message('1'),
          { groupId: 'g', topics: ['t'], decode: () => value, handle: async () => {} },
          ctx,
        ),
      ).toBe('processed');
    expect(await latencyCount()).toBe(0);
  });

  it('a latency of exactly 0 is a sample', async () => {
    const at = '2026-12-01T00:00:00Z';
    const { ctx, latencyCount } = context({ now: () => Date.parse(at) });
    await deliver(
      message('1', JSON.stringify({ event_timestamp: at })),
      {
        groupId: 'g',
        topics: ['t'],
        decode: (m: IncomingMessage) => JSON.parse(Buffer.from(m.value).toString()) as unknown,
        handle: async () => {},
      },
      ctx,
    );
    expect(await latencyCount()).toBe(1);
  });

  it('a dead letter that fails for a reason other than refusal is not replaced by a summary: the message stays uncommitted', async () => {
    let writes = 0;
    const { ctx } = context({
      deadLetter: async () => {
        writes++;
        if (writes === 1) throw new HuleEduError('HULEEDU_DEPENDENCY_UNAVAILABLE', 'broker away');
      },
    });
    await expect(
      deliver(
        message('9'),
        {
          groupId: 'g',
          topics: ['t'],
          decode: () => {
            throw new PermanentError('poison');
          },
          handle: async () => {},
        },
        ctx,
      ),
    ).rejects.toThrow('broker away');
    expect(writes, 'a summary written in place of the failed dead letter').toBe(1);
  });

  it('observes queue latency from the event timestamp, but not a negative one (clock skew)', async () => {
    const event = (ts: string) => JSON.stringify({ event_timestamp: ts });
    const { ctx, latencyCount } = context({ now: () => Date.parse('2026-12-01T00:00:10Z') });
    const options = {
      groupId: 'g',
      topics: ['t'],
      decode: (m: IncomingMessage) => JSON.parse(Buffer.from(m.value).toString()) as unknown,
      handle: async () => {},
    };
    await deliver(message('1', event('2026-12-01T00:00:00Z')), options, ctx);
    await deliver(message('2', event('2026-12-01T00:00:20Z')), options, ctx);
    await deliver(message('3', event('not a time')), options, ctx);
    expect(await latencyCount(), 'only the sample with a real, non-negative latency').toBe(1);
  });

  it('counts by topic and group (dead letters also by code), and logs each dead letter once with its coordinates, key and reason bounded', async () => {
    const logger = recordingLogger();
    const { ctx, series } = context({ logger });
    const failing = {
      groupId: 'g',
      topics: ['t'],
      decode: (m: IncomingMessage) => m.offset,
      handle: async () => {
        throw new PermanentError(`bad ${'r'.repeat(600)}`);
      },
    };
    await deliver({ ...message('4'), key: 'k'.repeat(300) }, failing, ctx);
    await deliver({ ...message('5'), key: null }, failing, ctx);
    await deliver(message('6'), { ...failing, handle: async () => {} }, ctx);
    const labels = { topic: 't', consumer_group: 'g' };
    expect(await series('huleedu_messages_dead_lettered_total')).toEqual([
      {
        name: 'huleedu_messages_dead_lettered_total',
        labels: { ...labels, code: 'HULEEDU_PROCESSING_FAILED' },
        value: 2,
      },
    ]);
    expect(await series('huleedu_message_handler_failures_total')).toEqual([
      { name: 'huleedu_message_handler_failures_total', labels, value: 2 },
    ]);
    expect(await series('huleedu_messages_processed_total')).toEqual([
      { name: 'huleedu_messages_processed_total', labels, value: 1 },
    ]);
    expect(logger.records.map((r) => [r.level, r.msg])).toEqual([
      ['warn', 'message dead-lettered'],
      ['warn', 'message dead-lettered'],
    ]);
    expect(logger.records[0]?.fields).toEqual({
      topic: 't',
      partition: 0,
      offset: '4',
      key: 'k'.repeat(200),
      code: 'HULEEDU_PROCESSING_FAILED',
      reason: `bad ${'r'.repeat(496)}`,
      consumer_group: 'g',
      attempts: 1,
    });
    expect(logger.records[1]?.fields.key).toBeNull();
  });

  it('observes queue latency in seconds', async () => {
    const { ctx, series } = context({ now: () => Date.parse('2026-12-01T00:00:10Z') });
    await deliver(
      message('1', JSON.stringify({ event_timestamp: '2026-12-01T00:00:04Z' })),
      {
        groupId: 'g',
        topics: ['t'],
        decode: (m: IncomingMessage) => JSON.parse(Buffer.from(m.value).toString()) as unknown,
        handle: async () => {},
      },
      ctx,
    );
    const sum = (await series('kafka_message_queue_latency_seconds')).find((v) =>
      v.name.endsWith('_sum'),
    );
    expect(sum).toEqual({
      name: 'kafka_message_queue_latency_seconds_sum',
      labels: { topic: 't', consumer_group: 'g' },
      value: 6,
    });
  });

  it('when the broker refuses the dead letter for good, sends a summary without the payload instead', async () => {
    const sent: DeadLetter[] = [];
    const { ctx } = context({
      deadLetter: async (m) => {
        const body = JSON.parse(Buffer.from(m.value).toString()) as DeadLetter;
        if (sent.length === 0 && body.original.payload !== '') {
          sent.push(body);
          throw new HuleEduError('HULEEDU_MESSAGE_REFUSED', 'too large');
        }
        sent.push(body);
      },
    });
    await deliver(
      message('9', 'x'.repeat(100)),
      {
        groupId: 'g',
        topics: ['t'],
        decode: () => {
          throw new PermanentError('bad');
        },
        handle: async () => {},
      },
      ctx,
    );
    expect(sent).toHaveLength(2);
    expect(sent[1]?.original.payload).toBe('');
  });

  it('does not commit (throws) when the dead letter cannot be written for another reason', async () => {
    const { ctx } = context({
      deadLetter: async () => {
        throw new TransientError('broker away');
      },
    });
    await expect(
      deliver(
        message('9'),
        {
          groupId: 'g',
          topics: ['t'],
          decode: () => {
            throw new PermanentError('bad');
          },
          handle: async () => {},
        },
        ctx,
      ),
    ).rejects.toThrow('broker away');
  });
});

describe('deliverBatch', () => {
  it('retries a transient batch failure whole, then isolates a permanent one message by message', async () => {
    const { ctx, letters, heartbeats, series } = context();
    const sizes: number[] = [];
    let transient = 1;
    await deliverBatch(
      [message('0'), message('1'), message('2')],
      {
        groupId: 'g',
        topics: ['t'],
        decode: (m) => m.offset,
        retry: fast,
        handleBatch: async (items) => {
          sizes.push(items.length);
          if (transient-- > 0) throw new TransientError('busy');
          if (items.some((i) => i.value === '1')) throw new PermanentError('1 is bad');
        },
      },
      ctx,
    );
    // Whole batch: busy, then permanent; then one at a time: 0 ok, 1 dead-lettered, 2 ok.
    expect(sizes).toEqual([3, 3, 1, 1, 1]);
    expect(heartbeats()).toBe(1);
    const labels = { topic: 't', consumer_group: 'g' };
    // The two whole-batch failures count once each; then the culprit alone.
    expect(await series('huleedu_message_handler_failures_total')).toEqual([
      { name: 'huleedu_message_handler_failures_total', labels, value: 3 },
    ]);
    expect(await series('huleedu_messages_processed_total')).toEqual([
      { name: 'huleedu_messages_processed_total', labels, value: 2 },
    ]);
    expect(letters.map((l) => [l.original.offset, l.error.message])).toEqual([['1', '1 is bad']]);
  });

  it('a whole batch that succeeds counts each message as processed, by topic and group', async () => {
    const { ctx, series } = context();
    await deliverBatch(
      [message('0'), message('1')],
      { groupId: 'g', topics: ['t'], decode: (m) => m.offset, handleBatch: async () => {} },
      ctx,
    );
    expect(await series('huleedu_messages_processed_total')).toEqual([
      {
        name: 'huleedu_messages_processed_total',
        labels: { topic: 't', consumer_group: 'g' },
        value: 2,
      },
    ]);
  });

  it('a handler interrupted by shutdown leaves the chunk for redelivery: no retry, no message taken apart', async () => {
    const { ctx, letters } = context();
    const sizes: number[] = [];
    const delivering = deliverBatch(
      [message('0'), message('1')],
      {
        groupId: 'g',
        topics: ['t'],
        decode: (m) => m.offset,
        retry: fast,
        handleBatch: async (items) => {
          sizes.push(items.length);
          throw new DeliveryInterruptedError();
        },
      },
      ctx,
    );
    await expect(delivering).rejects.toBeInstanceOf(DeliveryInterruptedError);
    expect(sizes).toEqual([2]);
    expect(letters).toEqual([]);
  });

  it('hands the handler a delivery whose heartbeat reaches the consumer', async () => {
    const { ctx, heartbeats } = context();
    await deliverBatch(
      [message('0')],
      {
        groupId: 'g',
        topics: ['t'],
        decode: (m) => m.offset,
        handleBatch: async (_items, delivery) => {
          await delivery.heartbeat();
          await delivery.heartbeat();
        },
      },
      ctx,
    );
    expect(heartbeats()).toBe(2);
  });

  it('a chunk that is all poison never reaches the handler', async () => {
    const { ctx, letters } = context();
    let calls = 0;
    await deliverBatch(
      [message('0'), message('1')],
      {
        groupId: 'g',
        topics: ['t'],
        decode: () => {
          throw new PermanentError('poison');
        },
        handleBatch: async () => {
          calls++;
        },
      },
      ctx,
    );
    expect([calls, letters.length]).toEqual([0, 2]);
  });

  it('retries a failing batch whole up to the retry bound (maxRetries + 1 attempts), then one message at a time', async () => {
    const { ctx } = context();
    const sizes: number[] = [];
    await deliverBatch(
      [message('0'), message('1')],
      {
        groupId: 'g',
        topics: ['t'],
        decode: (m) => m.offset,
        retry: fast,
        handleBatch: async (items) => {
          sizes.push(items.length);
          if (items.length > 1) throw new TransientError('busy');
        },
      },
      ctx,
    );
    expect(sizes).toEqual([2, 2, 2, 1, 1]);
  });

  it('shutdown during the batch backoff: no further attempt, the chunk left uncommitted', async () => {
    const controller = new AbortController();
    const { ctx, letters } = context({ signal: controller.signal });
    let calls = 0;
    const delivering = deliverBatch(
      [message('0'), message('1')],
      {
        groupId: 'g',
        topics: ['t'],
        decode: (m) => m.offset,
        retry: { maxRetries: 5, initialDelayMs: 60_000, maxDelayMs: 60_000 },
        handleBatch: async () => {
          calls++;
          throw new TransientError('busy');
        },
      },
      ctx,
    );
    await waitFor('the first batch attempt failed', () => calls === 1);
    controller.abort();
    await expect(delivering).rejects.toBeInstanceOf(DeliveryInterruptedError);
    expect([calls, letters.length]).toEqual([1, 0]);
  });

  it('a batch of one is retried by the single-message path only, not by the batch loop as well', async () => {
    const { ctx, letters } = context();
    let calls = 0;
    await deliverBatch(
      [message('5')],
      {
        groupId: 'g',
        topics: ['t'],
        decode: (m) => m.offset,
        retry: fast,
        handleBatch: async () => {
          calls++;
          throw new TransientError('busy');
        },
      },
      ctx,
    );
    // One batch attempt, then the single-message policy: 1 + (1 + 2 retries).
    expect(calls).toBe(4);
    expect(letters.map((l) => l.error.code)).toEqual(['HULEEDU_RETRIES_EXHAUSTED']);
  });
});
