import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { type MsgHdrs, type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger, OutgoingMessage } from '../common-core/index.ts';
import {
  BRIDGE_WRITE_RETRY,
  deadLetterFor,
  headersToStrings,
  type KafkaPublisher,
  KEY_HEADER,
  retry,
} from '../messaging/index.ts';
import type { BridgeMetrics } from './bridge-metrics.ts';
import { MSG_ID_HEADER, type RouteHandle } from './nats-to-kafka.ts';
import { fieldAt, type KafkaToNatsRouteConfig } from './routes.ts';

/**
 * A value may become a subject token (`{key}` or `{field:PATH}` in the route's subject) only
 * when NATS can carry it: a token has no dots, wildcards or white space, and a subject must stay
 * well under the server's control-line limit (4 KB), or NATS drops the connection on every
 * publish.
 */
const SUBJECT_TOKEN = /^[A-Za-z0-9_\-:]{1,256}$/;
const TEMPLATE = /\{(key|field:[^}]+)\}/g;

/** The JSON value of a payload, parsed at most once. */
function lazyJson(value: Uint8Array): () => unknown {
  let parsed: unknown;
  let done = false;
  return () => {
    if (!done) {
      done = true;
      try {
        parsed = JSON.parse(Buffer.from(value).toString('utf8'));
      } catch {
        parsed = undefined;
      }
    }
    return parsed;
  };
}

/**
 * The subject a record goes to, or why it cannot be bridged (dead-lettered with that reason).
 * `{key}` is the Kafka key; `{field:data.batch_id}` a field of the JSON payload.
 */
export function subjectOf(
  route: Pick<KafkaToNatsRouteConfig, 'subject' | 'maxBytes'>,
  key: string,
  value: Uint8Array,
  json: () => unknown = lazyJson(value),
): { subject: string } | { label: string; message: string } {
  if (value.length > route.maxBytes)
    return {
      label: 'too_large',
      message: `payload of ${value.length} bytes exceeds ${route.maxBytes}`,
    };
  let refused: { label: string; message: string } | undefined;
  const subject = route.subject.replace(TEMPLATE, (_, token: string) => {
    const what = token === 'key' ? 'key' : `field ${token.slice(6)}`;
    const v = token === 'key' ? key : fieldAt(json(), token.slice(6));
    if (v === undefined || !SUBJECT_TOKEN.test(v))
      refused ??= {
        label: 'bad_subject_token',
        message:
          v === undefined
            ? `no ${what} for the subject`
            : `${what} of ${v.length} characters cannot be a NATS subject token (1-256 of A-Z a-z 0-9 _ - :)`,
      };
    return v ?? '';
  });
  return refused ?? { subject };
}

/** What the Kafka -> NATS batch handler needs: where it publishes, and how it reports. */
export interface KafkaToNatsDeps {
  jetstream: Pick<JetStreamClient, 'publish'>;
  dlt: Pick<KafkaPublisher, 'publish'>;
  metrics: BridgeMetrics;
  logger: Logger;
  /** The route is up (a batch went through) or down (a publish failed). */
  setHealthy: (up: boolean) => void;
}

/**
 * The handler of one consumed Kafka batch (kafkajs `eachBatch`, offsets resolved by hand):
 * publish every message to JetStream, pipelined on one connection so in order, with its dedup
 * id; dead-letter what cannot be bridged; retry the whole batch until JetStream has it; only then
 * commit the offsets.
 */
export function kafkaBatchHandler(
  route: KafkaToNatsRouteConfig,
  deps: KafkaToNatsDeps,
): (payload: EachBatchPayload) => Promise<void> {
  const labels = { route: route.name, direction: 'kafka_to_nats' };
  return async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning }) => {
    if (batch.messages.length === 0 || !isRunning()) return;
    deps.metrics.inFlight.set(labels, batch.messages.length);
    const dead: OutgoingMessage[] = [];
    const plan: {
      subject: string;
      value: Buffer;
      msgID: string;
      headers: MsgHdrs;
      timestamp: number;
    }[] = [];
    for (const m of batch.messages) {
      const key = m.key?.toString('utf8') ?? '';
      const value = m.value ?? Buffer.alloc(0);
      const kafkaHeaders = headersToStrings(m.headers);
      const json = lazyJson(value);
      const target = subjectOf(route, key, value, json);
      if (!('subject' in target)) {
        const reason = target;
        const incoming = {
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key,
          value,
          headers: kafkaHeaders,
          timestamp: Number(m.timestamp),
        };
        dead.push(
          deadLetterFor(
            incoming,
            { code: 'HULEEDU_BRIDGE_REJECTED', message: reason.message, retryable: false },
            route.name,
            1,
          ),
        );
        deps.metrics.deadLetters.inc({ ...labels, reason: reason.label });
        deps.logger.warn(
          {
            route: route.name,
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            code: 'HULEEDU_BRIDGE_REJECTED',
            reason: reason.message.slice(0, 300),
          },
          'message dead-lettered',
        );
        continue;
      }
      const h = natsHeaders();
      for (const [k, v] of Object.entries(kafkaHeaders)) if (k !== MSG_ID_HEADER) h.set(k, v);
      h.set(KEY_HEADER, key);
      // Not JSON, or no event id: the log position is the dedup id.
      const id = kafkaHeaders[MSG_ID_HEADER] ?? fieldAt(json(), 'event_id');
      plan.push({
        subject: target.subject,
        value,
        msgID: id ?? `${batch.topic}/${batch.partition}/${m.offset}`,
        headers: h,
        timestamp: Number(m.timestamp),
      });
    }
    await retry(
      async (attempt) => {
        try {
          // Pipelined on one connection: stored in order. On a retry, JetStream drops what
          // already made it (same msg ids).
          const acks = await Promise.all(
            plan.map((p) =>
              deps.jetstream.publish(p.subject, p.value, { msgID: p.msgID, headers: p.headers }),
            ),
          );
          const duplicates = acks.filter((a) => a.duplicate).length;
          if (duplicates) deps.metrics.duplicates.inc(labels, duplicates);
          if (dead.length) await deps.dlt.publish(dead);
        } catch (error) {
          deps.setHealthy(false);
          deps.metrics.failures.inc(labels);
          deps.logger.warn(
            { route: route.name, err: (error as Error).message, attempt },
            'JetStream publish failed; retrying the batch',
          );
          throw error;
        }
      },
      {
        policy: BRIDGE_WRITE_RETRY,
        // Shutting down: the failure is thrown, nothing is committed, the batch is replayed later.
        retryable: () => isRunning(),
        beforeNextAttempt: heartbeat,
      },
    );
    const now = Date.now();
    for (const p of plan) {
      deps.metrics.latency.observe(labels, Math.max(0, now - p.timestamp) / 1000);
      deps.metrics.bytes.inc(labels, p.value.length);
    }
    const last = batch.messages[batch.messages.length - 1];
    if (last) {
      resolveOffset(last.offset);
      await commitOffsetsIfNecessary({
        topics: [
          {
            topic: batch.topic,
            partitions: [
              { partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() },
            ],
          },
        ],
      });
    }
    deps.metrics.messages.inc(labels, batch.messages.length - dead.length);
    deps.metrics.inFlight.set(labels, 0);
    deps.setHealthy(true);
    await heartbeat();
  };
}

/** Messages not yet committed by `group`, summed over the topic's partitions. */
export function consumerLag(
  ends: readonly { partition: number; high: string }[],
  committed: readonly { partitions: readonly { partition: number; offset: string }[] }[],
): number {
  let lag = 0;
  for (const p of ends) {
    // -1: the group has committed nothing on this partition yet, so all of it is lag.
    const c = committed[0]?.partitions.find((x) => x.partition === p.partition)?.offset ?? '-1';
    lag += Number(p.high) - Math.max(0, Number(c));
  }
  return lag;
}

/** Where a Kafka -> NATS route reads: its consumer group member and an admin for the lag gauge. */
export interface KafkaSource {
  consumer: Pick<Consumer, 'connect' | 'subscribe' | 'on' | 'events' | 'run' | 'disconnect'>;
  admin: Pick<Admin, 'connect' | 'fetchTopicOffsets' | 'fetchOffsets' | 'disconnect'>;
  /** Whether the NATS connection is closed for good. */
  closed(): boolean;
  /** How often the lag gauge is refreshed; default 5 s. */
  lagIntervalMs?: number;
}

/**
 * Kafka -> NATS: publish each consumed batch to JetStream (pipelined on one connection, so in
 * order), with `Nats-Msg-Id` = the envelope's event id (or topic/partition/offset), and commit
 * the Kafka offsets only after every PubAck. A replay after a crash is therefore recognised by
 * JetStream as duplicates. The Kafka key travels as a header; all headers are carried.
 */
export async function startKafkaToNats(
  route: KafkaToNatsRouteConfig,
  deps: {
    nc: NatsConnection;
    kafka: Kafka;
    dlt: KafkaPublisher;
    metrics: BridgeMetrics;
    logger: Logger;
  },
): Promise<RouteHandle> {
  const consumer = deps.kafka.consumer({
    groupId: route.group,
    // A bridge that crashed is replaced within ~10 s (kafkajs default: 30 s of stalled partitions).
    sessionTimeout: 10_000,
    allowAutoTopicCreation: false,
    retry: { retries: Number.MAX_SAFE_INTEGER },
  });
  return runKafkaToNats(
    route,
    { consumer, admin: deps.kafka.admin(), closed: () => deps.nc.isClosed() },
    { jetstream: jetstream(deps.nc), dlt: deps.dlt, metrics: deps.metrics, logger: deps.logger },
  );
}

/** Bridge one route from `source` to JetStream until stopped: what `startKafkaToNats` runs. */
export async function runKafkaToNats(
  route: KafkaToNatsRouteConfig,
  source: KafkaSource,
  deps: Omit<KafkaToNatsDeps, 'setHealthy'>,
): Promise<RouteHandle> {
  const labels = { route: route.name, direction: 'kafka_to_nats' };
  const { consumer, admin } = source;
  let healthy = false;
  await consumer.connect();
  await consumer.subscribe({ topics: [route.topic], fromBeginning: true });
  consumer.on(consumer.events.CRASH, (e) => {
    healthy = false;
    deps.metrics.up.set(labels, 0);
    deps.logger.error(
      { route: route.name, err: e.payload.error.message },
      'Kafka consumer crashed; restarting',
    );
  });
  consumer.on(consumer.events.GROUP_JOIN, () => {
    healthy = true;
    deps.metrics.up.set(labels, 1);
  });
  const handleBatch = kafkaBatchHandler(route, {
    ...deps,
    setHealthy: (up) => {
      healthy = up;
      deps.metrics.up.set(labels, up ? 1 : 0);
    },
  });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: handleBatch });
  await admin.connect();
  const lagTimer = setInterval(() => {
    Promise.all([
      admin.fetchTopicOffsets(route.topic),
      admin.fetchOffsets({ groupId: route.group, topics: [route.topic] }),
    ]).then(
      ([ends, committed]) => deps.metrics.lag.set(labels, consumerLag(ends, committed)),
      () => {},
    );
  }, source.lagIntervalMs ?? 5_000);
  lagTimer.unref();
  return {
    name: route.name,
    healthy: () => healthy && !source.closed(),
    stop: async () => {
      clearInterval(lagTimer);
      await consumer.disconnect();
      await admin.disconnect();
    },
  };
}
