import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type EventEnvelope,
  type IncomingMessage,
  PermanentError,
  TransientError,
} from '../../../common-core/index.ts';
import {
  anyEnvelopeDecoder,
  type DeadLetter,
  MemoryBus,
  MessagingMetrics,
} from '../../../messaging/index.ts';
import { asMessage, spellcheckRequest } from '../../helpers/envelopes.ts';
import { poisonSuite } from '../../helpers/poison-suite.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const TOPIC = 'huleedu.essay.spellcheck.requested.v1';
const fast = { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 5 };
const decode = anyEnvelopeDecoder;

/** `n` spellcheck requests numbered from `from` (seq = number, essay `e<number>`), one key. */
function requests(n: number, from = 0, topic = TOPIC) {
  return Array.from({ length: n }, (_, i) =>
    asMessage(topic, spellcheckRequest(`e${from + i}`, from + i), 'k'),
  );
}

function seqOf(env: EventEnvelope<unknown>): number {
  return (env.data as { system_metadata: { error_info: { seq: number } } }).system_metadata
    .error_info.seq;
}

describe('MemoryBus', () => {
  it('delivers every message once, in order per key', async () => {
    await using bus = new MemoryBus({ partitions: 3 });
    const pub = await bus.publisher();
    const keys = ['e1', 'e2', 'e3', 'e4', 'e5'];
    const msgs = Array.from({ length: 200 }, (_, i) => {
      const key = keys[i % keys.length] as string;
      return asMessage(TOPIC, spellcheckRequest(key, i), key);
    });
    await pub.publish(msgs);
    const seen = new Map<string, number[]>();
    await using _c = await bus.consume({
      groupId: 'g',
      topics: [TOPIC],
      decode,
      handle: async (env, m) => {
        seen.set(m.key ?? '', [...(seen.get(m.key ?? '') ?? []), seqOf(env)]);
      },
      retry: fast,
    });
    await waitFor('all delivered', () => [...seen.values()].flat().length === 200);
    for (const key of keys) {
      const seqs = seen.get(key) ?? [];
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(seqs.length).toBe(40);
    }
  });

  it('reports how long a partition has had work in hand without advancing (for /healthz)', async () => {
    await using bus = new MemoryBus({ partitions: 1 });
    const pub = await bus.publisher();
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let handled = 0;
    await using consumer = await bus.consume({
      groupId: 'g',
      topics: [TOPIC],
      decode,
      handle: async () => {
        await held;
        handled++;
      },
      retry: fast,
    });
    expect(consumer.stalledMs()).toBe(0);
    await pub.publish([asMessage(TOPIC, spellcheckRequest('e1', 1), 'e1')]);
    await waitFor('a stall of 50 ms is reported', () => consumer.stalledMs() >= 50);
    release();
    await waitFor('the message is handled', () => handled === 1);
    await waitFor('the stall clears once the partition advanced', () => consumer.stalledMs() === 0);
  }, 90_000);

  it('resumes from the committed position after a consumer restart, without loss or repeat', async () => {
    await using bus = new MemoryBus({ partitions: 1 });
    const pub = await bus.publisher();
    await pub.publish(
      Array.from({ length: 10 }, (_, i) => asMessage(TOPIC, spellcheckRequest('k', i), 'k')),
    );
    const handled: number[] = [];
    const first = await bus.consume({
      groupId: 'g',
      topics: [TOPIC],
      decode,
      handle: async (env) => {
        handled.push(seqOf(env));
      },
    });
    await waitFor('first ten', () => handled.length === 10);
    await first.close();
    await pub.publish(
      Array.from({ length: 5 }, (_, i) => asMessage(TOPIC, spellcheckRequest('k', 10 + i), 'k')),
    );
    await using _second = await bus.consume({
      groupId: 'g',
      topics: [TOPIC],
      decode,
      handle: async (env) => {
        handled.push(seqOf(env));
      },
    });
    await waitFor('all fifteen', () => handled.length === 15);
    expect(handled).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it('dead-letters poison at once with coordinates, payload and reason, and keeps going', async () => {
    const registry = new Registry();
    await using bus = new MemoryBus({ partitions: 1, metrics: MessagingMetrics.for(registry) });
    const pub = await bus.publisher();
    const good = spellcheckRequest('k', 1);
    await pub.publish([
      { topic: TOPIC, key: 'k', value: Buffer.from('{not json'), headers: { h: '1' } },
      asMessage(TOPIC, { ...good, schema_version: 7 }, 'k'),
      asMessage(TOPIC, good, 'k'),
    ]);
    const handled: string[] = [];
    await using _c = await bus.consume({
      groupId: 'g',
      topics: [TOPIC],
      decode,
      handle: async (env) => {
        handled.push(env.event_id);
      },
    });
    await waitFor('good one handled', () => handled.length === 1);
    const dlt = bus
      .messages(`${TOPIC}.DLT`)
      .map((m: IncomingMessage) => JSON.parse(Buffer.from(m.value).toString()) as DeadLetter);
    expect(dlt).toHaveLength(2);
    expect(dlt[0]?.original).toMatchObject({
      topic: TOPIC,
      partition: 0,
      offset: '0',
      key: 'k',
      headers: { h: '1' },
      payload: '{not json',
    });
    expect(dlt[0]?.error.code).toBe('HULEEDU_INVALID_JSON');
    expect(dlt[1]?.error.code).toBe('HULEEDU_UNSUPPORTED_SCHEMA_VERSION');
    expect(dlt[1]?.original.offset).toBe('1');
    expect(handled).toEqual([good.event_id]);
    const text = await registry.metrics();
    expect(text).toContain(
      'huleedu_messages_dead_lettered_total{topic="huleedu.essay.spellcheck.requested.v1",consumer_group="g",code="HULEEDU_INVALID_JSON"} 1',
    );
    expect(text).toMatch(
      /kafka_message_queue_latency_seconds_count\{topic="[^"]+",consumer_group="g"\} 1/,
    );
  });

  it('retries transient failures with backoff, then succeeds', async () => {
    await using bus = new MemoryBus({ partitions: 1 });
    await (await bus.publisher()).publish([asMessage(TOPIC, spellcheckRequest('k'), 'k')]);
    let attempts = 0;
    let done = false;
    await using _c = await bus.consume({
      groupId: 'g',
      topics: [TOPIC],
      decode,
      retry: fast,
      handle: async () => {
        attempts++;
        if (attempts < 3) throw new TransientError('content service restarting');
        done = true;
      },
    });
    await waitFor('success', () => done);
    expect(attempts).toBe(3);
    expect(bus.messages(`${TOPIC}.DLT`)).toHaveLength(0);
  });

  it('dead-letters after the retry bound, and non-retryable errors at once', async () => {
    await using bus = new MemoryBus({ partitions: 1 });
    await (await bus.publisher()).publish([
      asMessage(TOPIC, spellcheckRequest('a'), 'k'),
      asMessage(TOPIC, spellcheckRequest('b'), 'k'),
    ]);
    const attempts = new Map<string, number>();
    await using _c = await bus.consume({
      groupId: 'g',
      topics: [TOPIC],
      decode,
      retry: fast,
      handle: async (env) => {
        const id = (env.data as { entity_ref: { entity_id: string } }).entity_ref.entity_id;
        attempts.set(id, (attempts.get(id) ?? 0) + 1);
        if (id === 'a') throw new TransientError('still down');
        throw new PermanentError('cannot process');
      },
    });
    await waitFor('two dead letters', () => bus.messages(`${TOPIC}.DLT`).length === 2);
    const dlt = bus
      .messages(`${TOPIC}.DLT`)
      .map((m) => JSON.parse(Buffer.from(m.value).toString()) as DeadLetter);
    expect(attempts.get('a')).toBe(4);
    expect(dlt[0]?.error.code).toBe('HULEEDU_RETRIES_EXHAUSTED');
    expect(dlt[0]?.attempts).toBe(4);
    expect(attempts.get('b')).toBe(1);
    expect(dlt[1]?.error.code).toBe('HULEEDU_PROCESSING_FAILED');
  });

  it('redelivers when the outcome cannot be made durable, never skipping the message', async () => {
    await using bus = new MemoryBus({ partitions: 1 });
    await (await bus.publisher()).publish([asMessage(TOPIC, spellcheckRequest('k'), 'k')]);
    let calls = 0;
    // A handler error whose dead letter cannot be written: the bus must keep the message.
    const original = bus.append.bind(bus);
    let failDlt = true;
    bus.append = (messages) => {
      if (failDlt && messages.some((m) => m.topic.endsWith('.DLT'))) throw new Error('DLT down');
      original(messages);
    };
    await using _c = await bus.consume({
      groupId: 'g',
      topics: [TOPIC],
      decode,
      retry: { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1 },
      handle: async () => {
        calls++;
        throw new PermanentError('bad');
      },
    });
    await waitFor('a few redeliveries', () => calls >= 3);
    expect(bus.committedOffset('g', TOPIC, 0)).toBe(0);
    failDlt = false;
    await waitFor('dead-lettered at last', () => bus.messages(`${TOPIC}.DLT`).length === 1);
    await waitFor('committed', () => bus.committedOffset('g', TOPIC, 0) === 1);
  }, 90_000);
});

describe('MemoryBus batch consumption', () => {
  it('hands ordered chunks to handleBatch and isolates a failing message so only it is dead-lettered', async () => {
    await using bus = new MemoryBus({ partitions: 1 });
    await (await bus.publisher()).publish(requests(25));
    const handled: number[] = [];
    const sizes: number[] = [];
    await using _c = await bus.consumeBatches({
      groupId: 'g',
      topics: [TOPIC],
      decode: anyEnvelopeDecoder,
      maxBatchSize: 10,
      retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 1 },
      handleBatch: async (items) => {
        sizes.push(items.length);
        if (items.some((it) => seqOf(it.value) === 13)) throw new PermanentError('seq 13 is bad');
        for (const it of items) handled.push(seqOf(it.value));
      },
    });
    await waitFor('all but one handled', () => handled.length === 24);
    expect(handled).toEqual(Array.from({ length: 25 }, (_, i) => i).filter((i) => i !== 13));
    expect(sizes.slice(0, 2)).toEqual([10, 10]);
    const dlt = bus.messages(`${TOPIC}.DLT`);
    expect(dlt).toHaveLength(1);
    expect(
      (JSON.parse(Buffer.from(dlt[0]?.value ?? []).toString()) as DeadLetter).original.offset,
    ).toBe('13');
  });
});

describe('MemoryBus batches and metrics', () => {
  it('observes the queue latency of every event of a batch, as of single deliveries', async () => {
    const registry = new Registry();
    await using bus = new MemoryBus({ partitions: 1, metrics: MessagingMetrics.for(registry) });
    await (await bus.publisher()).publish(requests(7));
    let handled = 0;
    await using _c = await bus.consumeBatches({
      groupId: 'g',
      topics: [TOPIC],
      decode: anyEnvelopeDecoder,
      handleBatch: async (items) => {
        handled += items.length;
      },
    });
    await waitFor('all handled', () => handled === 7);
    expect(await registry.metrics()).toContain(
      `kafka_message_queue_latency_seconds_count{topic="${TOPIC}",consumer_group="g"} 7`,
    );
  });
});

describe('MemoryBus batch wait (maxWaitMs)', () => {
  /** Chunk sizes handed over when 3 messages come, the loop turns a few times, then 7 more. */
  async function chunkSizes(maxWaitMs: number): Promise<number[]> {
    await using bus = new MemoryBus({ partitions: 1 });
    const publisher = await bus.publisher();
    const sizes: number[] = [];
    await using _c = await bus.consumeBatches({
      groupId: 'g',
      topics: [TOPIC],
      decode: anyEnvelopeDecoder,
      maxBatchSize: 10,
      maxWaitMs,
      handleBatch: async (items) => {
        sizes.push(items.length);
      },
    });
    await publisher.publish(requests(3));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    await publisher.publish(requests(7, 3));
    await waitFor('all ten handled', () => sizes.reduce((a, b) => a + b, 0) === 10);
    return sizes;
  }

  it('without a wait, a chunk is what is there (3, then 7)', async () => {
    expect(await chunkSizes(0)).toEqual([3, 7]);
  });

  it('with a wait, a chunk fills up to maxBatchSize first (one chunk of 10)', async () => {
    expect(await chunkSizes(60_000)).toEqual([10]);
  });

  it('with a wait, what is there is handed over once the wait is over', async () => {
    await using bus = new MemoryBus({ partitions: 1 });
    await (await bus.publisher()).publish(requests(1));
    const sizes: number[] = [];
    await using _c = await bus.consumeBatches({
      groupId: 'g',
      topics: [TOPIC],
      decode: anyEnvelopeDecoder,
      maxBatchSize: 10,
      maxWaitMs: 30,
      handleBatch: async (items) => {
        sizes.push(items.length);
      },
    });
    await waitFor('the one message handled', () => sizes.length === 1);
    expect(sizes).toEqual([1]);
  });

  it('closing a consumer that waits for its chunk to fill does not wait out maxWaitMs', async () => {
    const bus = new MemoryBus({ partitions: 1 });
    await (await bus.publisher()).publish(requests(1));
    const consumer = await bus.consumeBatches({
      groupId: 'g',
      topics: [TOPIC],
      decode: anyEnvelopeDecoder,
      maxBatchSize: 10,
      maxWaitMs: 600_000,
      handleBatch: async () => {},
    });
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    await consumer.close(); // the test's timeout fails it if close waited for the chunk
    await bus.close();
  });
});

describe("MemoryBus retain: 'unconsumed'", () => {
  const send = async (bus: MemoryBus, topic: string, from: number, n: number) =>
    (await bus.publisher()).publish(requests(n, from, topic));

  it('drops what every consuming group has committed past, and keeps what one still needs', async () => {
    await using bus = new MemoryBus({ partitions: 1, retain: 'unconsumed' });
    const seen = { a: [] as number[], b: [] as number[] };
    let holdB = true;
    const consumer = (group: 'a' | 'b') =>
      bus.consumeBatches({
        groupId: group,
        topics: [TOPIC],
        decode: anyEnvelopeDecoder,
        maxBatchSize: 100,
        retry: { maxRetries: 1_000, initialDelayMs: 1, maxDelayMs: 1 },
        handleBatch: async (items) => {
          if (group === 'b' && holdB) throw new TransientError('b is not ready');
          for (const it of items) seen[group].push(seqOf(it.value));
        },
      });
    await using _a = await consumer('a');
    await using _b = await consumer('b');
    await send(bus, TOPIC, 0, 600);
    await waitFor('a has all', () => seen.a.length === 600);
    // b has committed nothing: everything is still held.
    expect(bus.messages(TOPIC)).toHaveLength(600);
    holdB = false;
    await waitFor('b has all', () => seen.b.length === 600);
    await send(bus, TOPIC, 600, 1);
    await waitFor('both have the last', () => seen.a.length === 601 && seen.b.length === 601);
    // Dropped in steps of at least 256: what is left is far below what was sent.
    await waitFor('consumed messages dropped', () => bus.messages(TOPIC).length < 256);
    expect(seen.a).toEqual(Array.from({ length: 601 }, (_, i) => i));
    expect(seen.b).toEqual(seen.a);
    // Offsets go on where they were.
    await send(bus, TOPIC, 601, 1);
    await waitFor('a has the next', () => seen.a.length === 602);
    expect(bus.messages(TOPIC).at(-1)?.offset).toBe('601');
  }, 120_000);

  it('keeps no message of a topic nobody consumes, but every dead letter', async () => {
    await using bus = new MemoryBus({ partitions: 1, retain: 'unconsumed' });
    await send(bus, 'huleedu.unread.v1', 0, 5);
    await send(bus, `${TOPIC}.DLT`, 0, 5);
    expect(bus.messages('huleedu.unread.v1')).toEqual([]);
    expect(bus.messages(`${TOPIC}.DLT`)).toHaveLength(5);
  });

  it("by default ('all') every message stays for inspection", async () => {
    await using bus = new MemoryBus({ partitions: 1 });
    const seen: number[] = [];
    await using _c = await bus.consumeBatches({
      groupId: 'g',
      topics: [TOPIC],
      decode: anyEnvelopeDecoder,
      handleBatch: async (items) => {
        for (const it of items) seen.push(seqOf(it.value));
      },
    });
    await send(bus, TOPIC, 0, 600);
    await send(bus, 'huleedu.unread.v1', 0, 3);
    await waitFor('all handled', () => seen.length === 600);
    expect(bus.messages(TOPIC)).toHaveLength(600);
    expect(bus.messages('huleedu.unread.v1')).toHaveLength(3);
  });
});

describe('MemoryBus poison', () => {
  const bus = new MemoryBus({ partitions: 1 });
  let n = 0;
  afterAll(async () => {
    await bus[Symbol.asyncDispose]();
  });
  poisonSuite({
    bus: () => bus,
    topic: async () => `test.memory-poison.${n++}`,
    deadLetters: async (topic, count) =>
      bus
        .messages(`${topic}.DLT`)
        .slice(0, count)
        .map((m) => JSON.parse(Buffer.from(m.value).toString()) as DeadLetter),
    waitMs: 10_000,
  });
});
