import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeMetrics } from '../../../bridge/bridge-metrics.ts';
import {
  type DurableSource,
  kafkaMessageOf,
  MSG_ID_HEADER,
  prepareDurable,
  type RouteHandle,
  runNatsToKafka,
} from '../../../bridge/nats-to-kafka.ts';
import { type NatsToKafkaRouteConfig, RoutesSchema } from '../../../bridge/routes.ts';
import {
  DependencyUnavailableError,
  HuleEduError,
  type OutgoingMessage,
} from '../../../common-core/index.ts';
import { type DeadLetter, KEY_HEADER, silentLogger } from '../../../messaging/index.ts';
import { metricValues } from '../../helpers/metric-values.ts';
import { recordingLogger } from '../../helpers/recording-logger.ts';
import { threeTicksOf, waitFor } from '../../helpers/wait-for.ts';

const routeOf = (r: Record<string, unknown> = {}): NatsToKafkaRouteConfig =>
  RoutesSchema.parse({
    natsToKafka: [
      { name: 'in', stream: 'S', subject: 'in.>', durable: 'd', topic: 'topic.in', ...r },
    ],
  }).natsToKafka[0] as NatsToKafkaRouteConfig;

/** A JetStream message as the loop sees it, recording what the loop did with it. */
class FakeMsg {
  acked = false;
  naked = false;
  workingCalls = 0;
  readonly headers = natsHeaders();
  readonly subject = 'in.x';
  readonly info: { deliveryCount: number; timestampNanos: number };
  constructor(
    readonly seq: number,
    readonly data: Uint8Array,
    deliveryCount = 1,
  ) {
    this.info = { deliveryCount, timestampNanos: Date.now() * 1_000_000 };
  }
  ack(): void {
    this.acked = true;
  }
  nak(): void {
    this.naked = true;
  }
  working(): void {
    this.workingCalls++;
  }
}

/** An event for essay `essayId`, as the edge publishes it. */
function event(seq: number, essayId = `e${seq % 3}`, deliveryCount = 1): FakeMsg {
  const body = { event_id: `id-${seq}`, data: { entity_ref: { entity_id: essayId } } };
  return new FakeMsg(seq, Buffer.from(JSON.stringify(body)), deliveryCount);
}

/** A durable source fed by the test: `push` delivers, like a pull that returned messages. */
class FakeSource implements DurableSource {
  flushed = 0;
  private queue: FakeMsg[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  readonly messages = {
    [Symbol.asyncIterator]: (): AsyncIterator<JsMsg> => ({
      next: async () => {
        for (;;) {
          const m = this.queue.shift();
          if (m) return { value: m as unknown as JsMsg, done: false };
          if (this.ended) return { value: undefined, done: true };
          await new Promise<void>((r) => {
            this.wake = r;
          });
        }
      },
    }),
    close: async () => {
      this.ended = true;
      this.wake?.();
      this.wakeNotices?.();
    },
    status: () => ({
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          for (;;) {
            const n = this.notices.shift();
            if (n) return { value: n, done: false as const };
            if (this.ended) return { value: undefined, done: true as const };
            await new Promise<void>((r) => {
              this.wakeNotices = r;
            });
          }
        },
      }),
    }),
  };
  private notices: { type: string }[] = [];
  private wakeNotices: (() => void) | undefined;
  /** A status notice of the consumer (a pull expired, a heartbeat missed, …). */
  notice(type: string): void {
    this.notices.push({ type });
    this.wakeNotices?.();
  }
  push(...ms: FakeMsg[]): void {
    this.queue.push(...ms);
    this.wake?.();
  }
  /** Pushed and not yet pulled by the loop. */
  get queued(): number {
    return this.queue.length;
  }
  pendingCount = 0;
  pendingFails = false;
  pendingCalls = 0;
  pending = async () => {
    this.pendingCalls++;
    if (this.pendingFails) throw new Error('no responders');
    return this.pendingCount;
  };
  closed = () => false;
  flush = async () => {
    this.flushed++;
  };
}

/** A Kafka publisher whose writes the test holds, fails or lets through. */
class FakeKafka {
  readonly written: OutgoingMessage[][] = [];
  readonly calls: OutgoingMessage[][] = [];
  /** Decides each call: resolve (undefined), throw, or hold until released. */
  next: (messages: OutgoingMessage[]) => 'ok' | 'hold' | Error = () => 'ok';
  private held: (() => void)[] = [];
  async publish(messages: OutgoingMessage[]): Promise<void> {
    this.calls.push(messages);
    const decision = this.next(messages);
    if (decision instanceof Error) throw decision;
    if (decision === 'hold') await new Promise<void>((r) => this.held.push(r));
    this.written.push(messages);
  }
  release(): void {
    for (const r of this.held.splice(0)) r();
  }
  get holding(): number {
    return this.held.length;
  }
}

describe('NATS -> Kafka route loop (fake JetStream source, fake Kafka)', () => {
  let handle: RouteHandle | undefined;
  let kafka: FakeKafka;
  afterEach(async () => {
    kafka?.release();
    kafka.next = () => 'ok';
    await handle?.stop();
    handle = undefined;
  });

  const start = (r = routeOf(), batchSize: number | 'default' = 100) => {
    const source = new FakeSource();
    kafka = new FakeKafka();
    const registry = new Registry();
    const logger = recordingLogger();
    handle = runNatsToKafka(r, source, {
      kafka,
      metrics: new BridgeMetrics(registry),
      logger,
      lagIntervalMs: 5,
      ...(batchSize === 'default' ? {} : { batchSize }),
    });
    const series = (name: string) => metricValues(registry, name);
    const metric = async (name: string) =>
      ((await registry.getSingleMetric(name)?.get())?.values ?? []).reduce(
        (n, v) => n + v.value,
        0,
      );
    return { source, registry, metric, series, logger };
  };

  it('never acks a JetStream message before Kafka has it: a write that does not return holds every ack', async () => {
    const { source } = start();
    kafka.next = () => 'hold';
    const batch = [event(1), event(2), event(3)];
    source.push(...batch);
    await waitFor('the write to Kafka started', () => kafka.holding === 1);
    expect(
      batch.filter((m) => m.acked).map((m) => m.seq),
      'acked while the Kafka write is in flight (ack-before-write loses them on a crash)',
    ).toEqual([]);
    kafka.next = () => 'ok';
    kafka.release();
    await waitFor('acked once Kafka has them', () => batch.every((m) => m.acked));
    expect(kafka.written.flat().map((m) => m.headers?.[MSG_ID_HEADER])).toEqual([
      'id-1',
      'id-2',
      'id-3',
    ]);
  });

  it('writes each message with its key and dedup id, in order, and counts them', async () => {
    const { source, metric } = start();
    const batch = [event(1, 'a'), event(2, 'b'), event(3, 'a', 2)];
    source.push(...batch);
    await waitFor('all acked', () => batch.every((m) => m.acked));
    expect(kafka.written.flat()).toEqual(
      batch.map((m, i) => ({
        topic: 'topic.in',
        key: ['a', 'b', 'a'][i],
        value: m.data,
        headers: { [KEY_HEADER]: ['a', 'b', 'a'][i], [MSG_ID_HEADER]: `id-${m.seq}` },
      })),
    );
    expect(await metric('bridge_messages_total')).toBe(3);
    expect(await metric('bridge_redeliveries_total')).toBe(1);
    expect(await metric('bridge_bytes_total')).toBe(batch.reduce((n, m) => n + m.data.length, 0));
    expect(await metric('bridge_in_flight')).toBe(0);
    expect(handle?.healthy()).toBe(true);
  });

  it('retries a failed Kafka write without acking, keeps the batch from redelivery, and then acks in order', async () => {
    const { source, metric } = start();
    let failures = 2;
    kafka.next = () => (failures-- > 0 ? new DependencyUnavailableError('broker away') : 'ok');
    const batch = [event(1), event(2)];
    source.push(...batch);
    await waitFor('the first write failed', () => kafka.calls.length >= 1);
    expect(
      batch.some((m) => m.acked),
      'acked after a failed write',
    ).toBe(false);
    await waitFor('written after the retries', () => batch.every((m) => m.acked), 10_000);
    expect(kafka.written.flat().map((m) => m.headers?.[MSG_ID_HEADER])).toEqual(['id-1', 'id-2']);
    // The batch in hand (and what arrived behind it) is kept from redelivery after each failure.
    expect(batch[0]?.workingCalls, 'held with working() while failing').toBe(2);
    expect(await metric('bridge_failures_total')).toBe(2);
    expect(await metric('bridge_route_up')).toBe(1);
    expect(handle?.healthy()).toBe(true);
  });

  it('is unhealthy while Kafka refuses writes', async () => {
    const { source, metric } = start();
    kafka.next = () => new DependencyUnavailableError('broker away');
    source.push(event(1));
    await waitFor('the route went down', () => handle?.healthy() === false);
    expect(await metric('bridge_route_up')).toBe(0);
  });

  it('dead-letters what cannot be bridged (not JSON, no key, too large) with the reason, in the same write, and acks it', async () => {
    const { source, metric } = start(routeOf({ maxBytes: 200 }));
    const notJson = new FakeMsg(1, Buffer.from('{nope'));
    const noKey = new FakeMsg(2, Buffer.from(JSON.stringify({ event_id: 'x', data: {} })));
    const tooLarge = new FakeMsg(3, Buffer.alloc(201, 0x61));
    const good = event(4, 'k');
    source.push(notJson, noKey, tooLarge, good);
    await waitFor('all acked', () => [notJson, noKey, tooLarge, good].every((m) => m.acked));
    const written = kafka.written.flat();
    expect(written.filter((m) => m.topic === 'topic.in').map((m) => m.key)).toEqual(['k']);
    const letters = written
      .filter((m) => m.topic === 'topic.in.DLT')
      .map((m) => JSON.parse(Buffer.from(m.value).toString()) as DeadLetter);
    expect(letters.map((l) => [l.original.offset, l.error.code, l.error.message])).toEqual([
      ['1', 'HULEEDU_BRIDGE_REJECTED', 'payload is not JSON'],
      ['2', 'HULEEDU_BRIDGE_REJECTED', 'no key at data.entity_ref.entity_id'],
      ['3', 'HULEEDU_BRIDGE_REJECTED', 'payload of 201 bytes exceeds 200'],
    ]);
    expect(letters[0]?.original.topic).toBe('in.x');
    expect(await metric('bridge_dead_letters_total')).toBe(3);
    expect(await metric('bridge_messages_total')).toBe(1);
  });

  it('finds a record Kafka refuses for good by writing one at a time, dead-letters only it, and keeps the rest', async () => {
    const { source } = start();
    const refusal = new HuleEduError('HULEEDU_MESSAGE_REFUSED', 'too large', {
      cause: Object.assign(new Error('MESSAGE_TOO_LARGE'), { type: 'MESSAGE_TOO_LARGE' }),
    });
    const isBad = (m: OutgoingMessage) => m.headers?.[MSG_ID_HEADER] === 'id-2';
    kafka.next = (ms) => (ms.some(isBad) ? refusal : 'ok');
    const batch = [event(1), event(2), event(3)];
    source.push(...batch);
    await waitFor('all acked', () => batch.every((m) => m.acked));
    const written = kafka.written.flat();
    expect(
      written.filter((m) => m.topic === 'topic.in').map((m) => m.headers?.[MSG_ID_HEADER]),
    ).toEqual(['id-1', 'id-3']);
    const dlt = written.filter((m) => m.topic === 'topic.in.DLT');
    expect(dlt).toHaveLength(1);
    const letter = JSON.parse(Buffer.from(dlt[0]?.value ?? []).toString()) as DeadLetter;
    expect(letter.original.offset).toBe('2');
    expect(letter.error.message).toContain('Kafka refused it');
  });

  it('takes a payload of exactly the route limit; parses JSON when required or when the key is a field', () => {
    const limit = routeOf({ maxBytes: 60 });
    const body = JSON.stringify({ data: { entity_ref: { entity_id: 'e' } } });
    const exact = new FakeMsg(1, Buffer.from(body.padEnd(60, ' ')));
    expect(kafkaMessageOf(limit, exact)).toMatchObject({ key: 'e' });
    const fieldKey = routeOf({ requireJson: false });
    expect(kafkaMessageOf(fieldKey, new FakeMsg(2, Buffer.from(body)))).toMatchObject({ key: 'e' });
    const jsonHeaderKey = routeOf({ key: { from: 'header', name: 'k' } });
    const m = new FakeMsg(3, Buffer.from('plain'));
    m.headers.set('k', 'x');
    expect(kafkaMessageOf(jsonHeaderKey, m)).toEqual({ reason: 'payload is not JSON' });
  });

  it('the key can come from a header, and a message without it is dead-lettered', () => {
    const r = routeOf({ key: { from: 'header', name: 'k' }, requireJson: false });
    const m = new FakeMsg(1, Buffer.from('plain text'));
    expect(kafkaMessageOf(r, m)).toEqual({ reason: 'no key header k' });
    m.headers.set('k', 'essay-9');
    m.headers.set(MSG_ID_HEADER, 'id-9');
    expect(kafkaMessageOf(r, m)).toEqual({
      topic: 'topic.in',
      key: 'essay-9',
      value: m.data,
      headers: { k: 'essay-9', [MSG_ID_HEADER]: 'id-9', [KEY_HEADER]: 'essay-9' },
    });
  });

  it('on stop, hands back what was pulled and not written (nak) and flushes the acks sent', async () => {
    const { source } = start(routeOf(), 2);
    kafka.next = () => 'hold';
    const ms = [event(1), event(2), event(3), event(4), event(5), event(6)];
    source.push(...ms);
    await waitFor('the first write started', () => kafka.holding === 1);
    const stopping = handle?.stop();
    kafka.release();
    await stopping;
    handle = undefined;
    // Whatever was written is acked; whatever was not is handed back; nothing is both or neither.
    const written = new Set(kafka.written.flat().map((m) => m.headers?.[MSG_ID_HEADER]));
    expect(written.has('id-1')).toBe(true);
    for (const m of ms) {
      expect(m.acked, `id-${m.seq} acked iff written`).toBe(written.has(`id-${m.seq}`));
      expect(m.naked, `id-${m.seq} handed back iff not written`).toBe(!written.has(`id-${m.seq}`));
    }
    expect(
      ms.some((m) => m.naked),
      'some were still buffered',
    ).toBe(true);
    expect(source.flushed).toBe(1);
  });

  const labels = { route: 'in', direction: 'nats_to_kafka' };

  it('is up from the start, and counts, logs and describes each dead letter by route, direction and reason', async () => {
    const { source, series, logger } = start(routeOf({ maxBytes: 200 }));
    expect(await series('bridge_route_up')).toEqual([
      { name: 'bridge_route_up', labels, value: 1 },
    ]);
    const notJson = new FakeMsg(7, Buffer.from('{nope'));
    const tooLarge = new FakeMsg(8, Buffer.alloc(201, 0x61));
    source.push(notJson, tooLarge);
    await waitFor('both acked', () => notJson.acked && tooLarge.acked);
    expect(await series('bridge_dead_letters_total')).toEqual([
      { name: 'bridge_dead_letters_total', labels: { ...labels, reason: 'payload' }, value: 2 },
    ]);
    expect(logger.records.filter((r) => r.msg === 'message dead-lettered')).toEqual([
      {
        level: 'warn',
        fields: {
          route: 'in',
          subject: 'in.x',
          seq: 7,
          code: 'HULEEDU_BRIDGE_REJECTED',
          reason: 'payload is not JSON',
        },
        msg: 'message dead-lettered',
      },
      {
        level: 'warn',
        fields: {
          route: 'in',
          subject: 'in.x',
          seq: 8,
          code: 'HULEEDU_BRIDGE_REJECTED',
          reason: 'payload of 201 bytes exceeds 200',
        },
        msg: 'message dead-lettered',
      },
    ]);
    const letter = JSON.parse(
      Buffer.from(kafka.written.flat()[0]?.value ?? []).toString(),
    ) as DeadLetter;
    expect(letter.error.retryable).toBe(false);
    expect(letter.attempts).toBe(1);
    expect(letter.consumer_group).toBe('in');
    // The JetStream timestamp (ns) in ms, as Kafka's are.
    expect(Math.abs(letter.original.timestamp - Date.now())).toBeLessThan(60_000);
  });

  it('cuts a long rejection reason in the log to 300 characters (the dead letter keeps it whole)', async () => {
    const r = routeOf({ key: { from: 'header', name: 'k'.repeat(400) }, requireJson: false });
    const { source, logger } = start(r);
    const m = new FakeMsg(1, Buffer.from('x'));
    source.push(m);
    await waitFor('acked', () => m.acked);
    const logged = logger.records.find((x) => x.msg === 'message dead-lettered');
    expect(String(logged?.fields.reason)).toHaveLength(300);
    const letter = JSON.parse(
      Buffer.from(kafka.written.flat()[0]?.value ?? []).toString(),
    ) as DeadLetter;
    expect(letter.error.message).toBe(`no key header ${'k'.repeat(400)}`);
  });

  it('reports the batch in flight, then bytes and latency in seconds', async () => {
    const { source, series } = start();
    kafka.next = () => 'hold';
    const old = event(1);
    old.info.timestampNanos = (Date.now() - 3_000) * 1_000_000;
    source.push(old);
    await waitFor('the first write started', () => kafka.holding === 1);
    // Two arrive while the first is written: the next batch holds both.
    source.push(event(2), event(3));
    kafka.release();
    await waitFor('the second write started', () => kafka.holding === 1);
    expect(await series('bridge_in_flight')).toEqual([
      { name: 'bridge_in_flight', labels, value: 2 },
    ]);
    kafka.next = () => 'ok';
    kafka.release();
    await waitFor(
      'in flight back to 0',
      async () => (await series('bridge_in_flight'))[0]?.value === 0,
    );
    const latency = await series('bridge_latency_seconds');
    const sum = latency.find((v) => v.name === 'bridge_latency_seconds_sum');
    expect(sum?.labels).toEqual(labels);
    expect(sum?.value).toBeGreaterThanOrEqual(3);
    expect(sum?.value).toBeLessThan(60);
  }, 120_000);

  it('logs each failed write with its attempt number', async () => {
    const { source, logger } = start();
    let failures = 2;
    kafka.next = () => (failures-- > 0 ? new DependencyUnavailableError('broker away') : 'ok');
    const m = event(1);
    source.push(m);
    await waitFor('written after the retries', () => m.acked, 10_000);
    expect(
      logger.records
        .filter((r) => r.msg === 'Kafka write failed; retrying')
        .map((r) => [r.level, r.fields]),
    ).toEqual([
      ['warn', { route: 'in', err: 'broker away', attempt: 1 }],
      ['warn', { route: 'in', err: 'broker away', attempt: 2 }],
    ]);
  });

  it('stops while Kafka is away: the batch stays unacked for the next run', async () => {
    const { source } = start();
    kafka.next = () => new DependencyUnavailableError('broker away');
    const m = event(1);
    source.push(m);
    await waitFor('a write failed', () => kafka.calls.length >= 1);
    await handle?.stop();
    handle = undefined;
    expect(m.acked).toBe(false);
  });

  it('a transient failure while isolating a refused record retries the batch instead of dead-lettering', async () => {
    const { source } = start();
    const refusal = new HuleEduError('HULEEDU_MESSAGE_REFUSED', 'too large', {
      cause: Object.assign(new Error('MESSAGE_TOO_LARGE'), { type: 'MESSAGE_TOO_LARGE' }),
    });
    let call = 0;
    kafka.next = () => {
      call++;
      if (call === 1) return refusal;
      if (call === 2) return new DependencyUnavailableError('broker away');
      return 'ok';
    };
    const m = event(1);
    source.push(m);
    await waitFor('acked', () => m.acked, 10_000);
    const written = kafka.written.flat();
    expect(written.map((w) => w.topic)).toEqual(['topic.in']);
  });

  it('takes batches of 1,000 by default', async () => {
    const { source } = start(routeOf(), 'default');
    const ms = Array.from({ length: 1_002 }, (_, i) => event(i + 1));
    kafka.next = () => 'hold';
    source.push(...ms.slice(0, 1));
    await waitFor('the first write started', () => kafka.holding === 1);
    source.push(...ms.slice(1));
    await waitFor('the loop pulled them all', () => source.queued === 0);
    kafka.release();
    await waitFor('the second write started', () => kafka.calls.length === 2);
    expect(kafka.calls[1]).toHaveLength(1_000);
    kafka.next = () => 'ok';
    kafka.release();
    await waitFor('all acked', () => ms.every((m) => m.acked));
  }, 120_000);

  it('logs routine consumer notices at debug, others at warn', async () => {
    const { source, logger } = start();
    source.notice('heartbeat');
    source.notice('heartbeats_missed');
    await waitFor(
      'two notices logged',
      () => logger.records.filter((r) => r.msg === 'JetStream consumer notice').length === 2,
    );
    expect(
      logger.records
        .filter((r) => r.msg === 'JetStream consumer notice')
        .map((r) => [r.level, r.fields]),
    ).toEqual([
      ['debug', { route: 'in', status: { type: 'heartbeat' } }],
      ['warn', { route: 'in', status: { type: 'heartbeats_missed' } }],
    ]);
  });

  it('keeps the lag gauge at the messages the durable has not delivered, until stopped', async () => {
    const { source, series } = start();
    source.pendingCount = 4;
    await waitFor(
      'the lag gauge set',
      async () => (await series('bridge_consumer_lag'))[0]?.value === 4,
    );
    expect((await series('bridge_consumer_lag'))[0]?.labels).toEqual(labels);
    source.pendingFails = true;
    const calls = source.pendingCalls;
    await waitFor('a failed lookup', () => source.pendingCalls > calls);
    expect((await series('bridge_consumer_lag'))[0]?.value).toBe(4);
    await handle?.stop();
    handle = undefined;
    const after = source.pendingCalls;
    await threeTicksOf(5, 'the lag period');
    expect(source.pendingCalls, 'lag lookups after stop').toBe(after);
  }, 120_000);
});

describe('prepareDurable (fake JetStream manager)', () => {
  type Info = {
    num_ack_pending: number;
    ack_floor: { stream_seq: number };
    config: { max_ack_pending: number };
  };
  /** The durable's info; undefined: JetStream's "consumer not found"; an Error: that failure. */
  const manager = (info: Info | undefined | Error) => {
    const calls: string[] = [];
    const jsm = {
      consumers: {
        info: async () => {
          if (info instanceof Error) throw info;
          if (!info)
            throw new JetStreamApiError({
              code: 404,
              err_code: JetStreamApiCodes.ConsumerNotFound,
              description: 'consumer not found',
            });
          return info;
        },
        add: async (stream: string, config: Record<string, unknown>) => {
          calls.push(`add ${stream} ${JSON.stringify(config)}`);
        },
        update: async (stream: string, durable: string, config: Record<string, unknown>) => {
          calls.push(`update ${stream} ${durable} ${JSON.stringify(config)}`);
        },
        delete: async (stream: string, durable: string) => {
          calls.push(`delete ${stream} ${durable}`);
        },
      },
    };
    return { jsm: jsm as unknown as JetStreamManager, calls };
  };
  const route = routeOf();

  it('creates the durable from the start of the stream, explicit acks, at most two batches unacked', async () => {
    const { jsm, calls } = manager(undefined);
    await prepareDurable(jsm, route, 100, silentLogger);
    expect(calls).toHaveLength(1);
    const config = JSON.parse(calls[0]?.slice('add S '.length) ?? '{}') as Record<string, unknown>;
    expect(config).toMatchObject({
      durable_name: 'd',
      ack_policy: 'explicit',
      filter_subject: 'in.>',
      max_ack_pending: 200,
      deliver_policy: 'all',
    });
  });

  it('creates nothing when the durable could not be looked up for another reason (the server away)', async () => {
    const away = new Error('TIMEOUT');
    const { jsm, calls } = manager(away);
    await expect(prepareDurable(jsm, route, 100, silentLogger)).rejects.toBe(away);
    expect(calls).toEqual([]);
  });

  it('takes over a durable with nothing unacked as it is, adjusting only max_ack_pending', async () => {
    const same = manager({
      num_ack_pending: 0,
      ack_floor: { stream_seq: 5 },
      config: { max_ack_pending: 200 },
    });
    await prepareDurable(same.jsm, route, 100, silentLogger);
    expect(same.calls).toEqual([]);
    const other = manager({
      num_ack_pending: 0,
      ack_floor: { stream_seq: 5 },
      config: { max_ack_pending: 50 },
    });
    await prepareDurable(other.jsm, route, 100, silentLogger);
    expect(other.calls).toEqual(['update S d {"max_ack_pending":200}']);
  });

  it('restarts a durable a dead run left unacked at its ack floor, so those messages come first, in order', async () => {
    const { jsm, calls } = manager({
      num_ack_pending: 7,
      ack_floor: { stream_seq: 41 },
      config: { max_ack_pending: 200 },
    });
    const logger = recordingLogger();
    await prepareDurable(jsm, route, 100, logger);
    expect(logger.records).toEqual([
      {
        level: 'warn',
        fields: { route: 'in', unacked: 7, from: 42 },
        msg: 'a previous run left messages unacknowledged; resuming the durable at its ack floor',
      },
    ]);
    expect(calls[0]).toBe('delete S d');
    const config = JSON.parse(calls[1]?.slice('add S '.length) ?? '{}') as Record<string, unknown>;
    expect(config).toMatchObject({
      deliver_policy: 'by_start_sequence',
      opt_start_seq: 42,
      max_ack_pending: 200,
    });
  });
});
