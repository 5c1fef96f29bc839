import type { JetStreamManager, JsMsg } from '@nats-io/jetstream';
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
import { waitFor } from '../../helpers/wait-for.ts';

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
    },
    status: () => ({
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ value: undefined, done: true as const }),
      }),
    }),
  };
  push(...ms: FakeMsg[]): void {
    this.queue.push(...ms);
    this.wake?.();
  }
  pending = async () => this.queue.length;
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

  const start = (r = routeOf(), batchSize = 100) => {
    const source = new FakeSource();
    kafka = new FakeKafka();
    const registry = new Registry();
    handle = runNatsToKafka(r, source, {
      kafka,
      metrics: new BridgeMetrics(registry),
      logger: silentLogger,
      batchSize,
    });
    const metric = async (name: string) =>
      ((await registry.getSingleMetric(name)?.get())?.values ?? []).reduce(
        (n, v) => n + v.value,
        0,
      );
    return { source, registry, metric };
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
});

describe('prepareDurable (fake JetStream manager)', () => {
  type Info = {
    num_ack_pending: number;
    ack_floor: { stream_seq: number };
    config: { max_ack_pending: number };
  };
  const manager = (info: Info | undefined) => {
    const calls: string[] = [];
    const jsm = {
      consumers: {
        info: async () => {
          if (!info) throw new Error('consumer not found');
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
    await prepareDurable(jsm, route, 100, silentLogger);
    expect(calls[0]).toBe('delete S d');
    const config = JSON.parse(calls[1]?.slice('add S '.length) ?? '{}') as Record<string, unknown>;
    expect(config).toMatchObject({
      deliver_policy: 'by_start_sequence',
      opt_start_seq: 42,
      max_ack_pending: 200,
    });
  });
});
