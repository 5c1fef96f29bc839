import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/transport-node';
import type { IncomingMessage, Logger, OutgoingMessage } from '../common-core/index.ts';
import {
  BRIDGE_WRITE_RETRY,
  DeliveryInterruptedError,
  deadLetterFor,
  isNotFound,
  type KafkaPublisher,
  KEY_HEADER,
  refusedForGood,
  retry,
} from '../messaging/index.ts';
import type { BridgeMetrics } from './bridge-metrics.ts';
import { fieldAt, type NatsToKafkaRouteConfig } from './routes.ts';

const QUIET_NOTICES = new Set(['next', 'heartbeat', 'debug', 'discard', 'flow_control']);

/** A message on its way to Kafka, with the JetStream message it came from. */
interface Bridged {
  m: JsMsg;
  message: OutgoingMessage;
}

/** All header values of a JetStream message, multiple values joined with commas. */
function headersOf(m: Pick<JsMsg, 'headers'>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, values] of m.headers ?? []) headers[k] = values.join(',');
  return headers;
}

/** Header carrying the dedup id both ways (JetStream's own name for it). */
export const MSG_ID_HEADER = 'Nats-Msg-Id';

export interface RouteHandle {
  name: string;
  healthy(): boolean;
  stop(): Promise<void>;
}

/**
 * The Kafka message a JetStream message becomes on `route`, or why it cannot be bridged (too
 * large, not JSON where JSON is needed, no key): the key from its header or payload field, the
 * dedup id carried over.
 */
export function kafkaMessageOf(
  route: NatsToKafkaRouteConfig,
  m: Pick<JsMsg, 'data' | 'headers'>,
): OutgoingMessage | { reason: string } {
  if (m.data.length > route.maxBytes)
    return { reason: `payload of ${m.data.length} bytes exceeds ${route.maxBytes}` };
  let parsed: unknown;
  if (route.requireJson || route.key.from === 'field') {
    try {
      parsed = JSON.parse(Buffer.from(m.data).toString('utf8'));
    } catch {
      return { reason: 'payload is not JSON' };
    }
  }
  const headers = headersOf(m);
  const key =
    route.key.from === 'header'
      ? m.headers?.get(route.key.name) || undefined
      : fieldAt(parsed, route.key.path);
  if (!key)
    return {
      reason:
        route.key.from === 'header'
          ? `no key header ${route.key.name}`
          : `no key at ${route.key.path}`,
    };
  headers[KEY_HEADER] = key;
  const id = m.headers?.get(MSG_ID_HEADER) || fieldAt(parsed, 'event_id');
  if (id) headers[MSG_ID_HEADER] = id;
  return { topic: route.topic, key, value: m.data, headers };
}

/** Messages pulled from a durable consumer (JetStream's `ConsumerMessages`, or a test's). */
export interface PulledMessages extends AsyncIterable<JsMsg> {
  close(): Promise<unknown>;
  status(): AsyncIterable<{ type: string }>;
}

/** Where a NATS -> Kafka route reads: a durable JetStream consumer, behind what the loop uses. */
export interface DurableSource {
  messages: PulledMessages;
  /** Messages the durable has not delivered yet (the lag gauge). */
  pending(): Promise<number>;
  /** Whether the connection is closed for good. */
  closed(): boolean;
  /** Resolves when the acks sent so far have reached the server. */
  flush(): Promise<void>;
}

/** What a NATS -> Kafka route needs besides its source. */
export interface NatsToKafkaDeps {
  kafka: Pick<KafkaPublisher, 'publish'>;
  metrics: BridgeMetrics;
  logger: Logger;
  batchSize?: number;
  /** How often the lag gauge is refreshed; default 5 s. */
  lagIntervalMs?: number;
}

const DEFAULT_BATCH_SIZE = 1_000;

/**
 * NATS -> Kafka: pull batches from a durable JetStream consumer, write each batch to Kafka with
 * acks from all in-sync replicas (one request per partition keeps per-key order), and only then
 * ack the JetStream messages. A Kafka failure is retried with capped backoff without acking, so
 * nothing is lost and order holds; the in-flight bound is the batch size. Messages that cannot
 * be bridged go to `<topic>.DLT` with the reason, and the route keeps flowing.
 */
export async function startNatsToKafka(
  route: NatsToKafkaRouteConfig,
  deps: NatsToKafkaDeps & { nc: NatsConnection },
): Promise<RouteHandle> {
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const source = await openJetStreamSource(deps.nc, route, batchSize, deps.logger);
  return runNatsToKafka(route, source, deps);
}

/** The route's durable consumer, prepared (see `prepareDurable`) and pulling. */
async function openJetStreamSource(
  nc: NatsConnection,
  route: NatsToKafkaRouteConfig,
  batchSize: number,
  logger: Logger,
): Promise<DurableSource> {
  const jsm = await jetstreamManager(nc);
  await prepareDurable(jsm, route, batchSize, logger);
  const consumer = await jetstream(nc).consumers.get(route.stream, route.durable);
  // consume() keeps pulls outstanding (refilled as messages are taken), so a batch is whatever
  // arrived while the previous one was written: full batches under load, one round trip of
  // latency when quiet. The server holds at most max_ack_pending (two batches) unacked.
  const messages = await consumer.consume({ max_messages: batchSize, expires: 5_000 });
  return {
    messages,
    pending: async () => (await jsm.consumers.info(route.stream, route.durable)).num_pending,
    closed: () => nc.isClosed(),
    flush: () => nc.flush(),
  };
}

/** Bridge one route from `source` to Kafka until stopped: the loop `startNatsToKafka` runs. */
export function runNatsToKafka(
  route: NatsToKafkaRouteConfig,
  source: DurableSource,
  deps: NatsToKafkaDeps,
): RouteHandle {
  const labels = { route: route.name, direction: 'nats_to_kafka' };
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE;
  const abort = new AbortController();
  let healthy = true;
  deps.metrics.up.set(labels, 1);
  const toKafka = (m: JsMsg) => kafkaMessageOf(route, m);

  /** The dead letter of a message that cannot be bridged, counted by reason. */
  const rejected = (m: JsMsg, reason: string): OutgoingMessage => {
    deps.metrics.deadLetters.inc({ ...labels, reason: reason.split(' ')[0] ?? 'rejected' });
    deps.logger.warn(
      {
        route: route.name,
        subject: m.subject,
        seq: m.seq,
        code: 'HULEEDU_BRIDGE_REJECTED',
        reason: reason.slice(0, 300),
      },
      'message dead-lettered',
    );
    const incoming: IncomingMessage = {
      topic: m.subject,
      partition: 0,
      offset: String(m.seq),
      key: null,
      value: m.data,
      headers: headersOf(m),
      timestamp: Number(m.info.timestampNanos / 1_000_000),
    };
    const dl = deadLetterFor(
      incoming,
      { code: 'HULEEDU_BRIDGE_REJECTED', message: reason, retryable: false },
      route.name,
      1,
    );
    return { ...dl, topic: `${route.topic}.DLT` };
  };

  /**
   * One attempt to write a batch. When Kafka refuses a record for good (e.g. above its
   * message.max.bytes), write one at a time to find it and dead-letter it, so that the route
   * keeps flowing. Resolves to how many reached the target topic; a retry starts over.
   */
  const write = async (out: Bridged[], dead: OutgoingMessage[]): Promise<number> => {
    try {
      await deps.kafka.publish([...out.map((o) => o.message), ...dead]);
      return out.length;
    } catch (error) {
      if (!refusedForGood(error)) throw error;
    }
    let kept = 0;
    const refused: OutgoingMessage[] = [];
    for (const o of out) {
      try {
        await deps.kafka.publish([o.message]);
        kept++;
      } catch (error) {
        if (!refusedForGood(error)) throw error;
        refused.push(rejected(o.m, `Kafka refused it: ${(error as Error).message}`));
      }
    }
    await deps.kafka.publish([...dead, ...refused]);
    return kept;
  };

  const { messages } = source;
  const buffer: JsMsg[] = [];
  let wake: (() => void) | undefined;
  const arrived = (): void => {
    wake?.();
    wake = undefined;
  };
  abort.signal.addEventListener('abort', arrived);
  const pump = (async () => {
    for await (const m of messages) {
      buffer.push(m);
      arrived();
    }
  })();
  void (async () => {
    // 'discard' (a pull expired with room left) and the like are routine.
    for await (const n of messages.status())
      deps.logger[QUIET_NOTICES.has(n.type) ? 'debug' : 'warn'](
        { route: route.name, status: n },
        'JetStream consumer notice',
      );
  })();

  /** Every message of a batch acknowledged, with its latency and bytes counted. */
  const acknowledge = (batch: readonly JsMsg[], bridged: number): void => {
    const now = Date.now();
    for (const m of batch) {
      m.ack();
      deps.metrics.latency.observe(
        labels,
        Math.max(0, now - Number(m.info.timestampNanos / 1_000_000)) / 1000,
      );
      deps.metrics.bytes.inc(labels, m.data.length);
    }
    deps.metrics.messages.inc(labels, bridged);
  };

  /**
   * One batch: split into records and dead letters, written until Kafka takes them (never
   * acked, and so never lost, before that), then acknowledged. False when shutdown interrupted
   * it: the batch stays unacked and the next run bridges it first.
   */
  const bridgeBatch = async (batch: JsMsg[]): Promise<boolean> => {
    deps.metrics.inFlight.set(labels, batch.length);
    const out: Bridged[] = [];
    const dead: OutgoingMessage[] = [];
    for (const m of batch) {
      if (m.info.deliveryCount > 1) deps.metrics.redeliveries.inc(labels);
      const r = toKafka(m);
      if ('reason' in r) dead.push(rejected(m, r.reason));
      else out.push({ m, message: r });
    }
    let bridged = 0;
    try {
      bridged = await retry(() => write(out, dead), {
        policy: BRIDGE_WRITE_RETRY,
        retryable: () => true,
        signal: abort.signal,
        onRetry: (error, attempt) => {
          healthy = false;
          deps.metrics.up.set(labels, 0);
          deps.metrics.failures.inc(labels);
          deps.logger.warn(
            { route: route.name, err: (error as Error).message, attempt },
            'Kafka write failed; retrying',
          );
          // Hold on to both batches while Kafka is away, so JetStream does not redeliver them.
          for (const m of [...batch, ...buffer]) m.working();
        },
      });
    } catch (error) {
      if (error instanceof DeliveryInterruptedError) return false;
      throw error;
    }
    acknowledge(batch, bridged);
    deps.metrics.inFlight.set(labels, 0);
    healthy = true;
    deps.metrics.up.set(labels, 1);
    return true;
  };

  const loop = (async () => {
    while (!abort.signal.aborted) {
      if (buffer.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      if (!(await bridgeBatch(buffer.splice(0, batchSize)))) return;
    }
  })();

  const lagTimer = setInterval(() => {
    source.pending().then(
      (pending) => deps.metrics.lag.set(labels, pending),
      () => {},
    );
  }, deps.lagIntervalMs ?? 5_000);
  lagTimer.unref();

  return {
    name: route.name,
    healthy: () => healthy && !source.closed(),
    stop: async () => {
      abort.abort();
      clearInterval(lagTimer);
      await loop;
      await messages.close().catch(() => {});
      await pump.catch(() => {});
      // Pulled and not written: hand back at once rather than after ack_wait.
      for (const m of buffer.splice(0)) m.nak();
      // Acks are fire-and-forget; make sure they reached the server before the connection goes.
      await source.flush().catch(() => {});
    },
  };
}

/**
 * Create the durable consumer, or take it over from a previous run. Per-key order needs one
 * bridge per route, reading at most two batches ahead (max_ack_pending). A run that died left
 * its last batches unacknowledged; JetStream would redeliver them only after ack_wait, behind
 * newer messages, so the durable is restarted at its ack floor: those messages come first, in
 * order, and only the ones whose ack was lost reach Kafka twice (with the same event id).
 */
export async function prepareDurable(
  jsm: JetStreamManager,
  route: NatsToKafkaRouteConfig,
  batchSize: number,
  logger: Logger,
): Promise<void> {
  const config = {
    durable_name: route.durable,
    ack_policy: AckPolicy.Explicit,
    filter_subject: route.subject,
    ack_wait: nanos(30_000),
    max_ack_pending: 2 * batchSize,
  };
  // Only "no such consumer" means "create it": any other failure (the server away, no such
  // stream) is thrown, not answered by creating a consumer.
  const info = await jsm.consumers.info(route.stream, route.durable).catch((error: unknown) => {
    if (isNotFound(error, 'consumer')) return undefined;
    throw error;
  });
  if (!info) {
    await jsm.consumers.add(route.stream, { ...config, deliver_policy: DeliverPolicy.All });
    return;
  }
  if (info.num_ack_pending === 0) {
    if (info.config.max_ack_pending !== config.max_ack_pending)
      await jsm.consumers.update(route.stream, route.durable, {
        max_ack_pending: config.max_ack_pending,
      });
    return;
  }
  const from = info.ack_floor.stream_seq + 1;
  logger.warn(
    { route: route.name, unacked: info.num_ack_pending, from },
    'a previous run left messages unacknowledged; resuming the durable at its ack floor',
  );
  await jsm.consumers.delete(route.stream, route.durable);
  await jsm.consumers.add(route.stream, {
    ...config,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: from,
  });
}
