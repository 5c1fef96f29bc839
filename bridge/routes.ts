import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  HuleEduError,
  liveSubject,
  ProcessingEvent,
  parseOrThrow,
  topicName,
} from '../common-core/index.ts';
import { PHASES } from '../phases/index.ts';

/** How a NATS -> Kafka route derives the Kafka key of a message. */
const KeySource = z.discriminatedUnion('from', [
  z.object({ from: z.literal('header'), name: z.string().min(1) }),
  z.object({ from: z.literal('field'), path: z.string().min(1) }),
]);

const NatsToKafkaRoute = z.object({
  name: z.string().min(1),
  stream: z.string().min(1),
  subject: z.string().min(1),
  durable: z.string().regex(/^[A-Za-z0-9_-]+$/),
  topic: z.string().min(1),
  key: KeySource.default({ from: 'field', path: 'data.entity_ref.entity_id' }),
  /** Refuse (dead-letter) payloads that are not JSON. */
  requireJson: z.boolean().default(true),
  maxBytes: z.number().int().positive().default(1_000_000),
});

const KafkaToNatsRoute = z.object({
  name: z.string().min(1),
  topic: z.string().min(1),
  group: z.string().min(1),
  /**
   * Target subject; `{key}` is replaced by the message key, `{field:PATH}` by a field of the JSON
   * payload (e.g. `{field:data.batch_id}`). A value that cannot be a subject token is dead-lettered.
   */
  subject: z.string().min(1),
  maxBytes: z.number().int().positive().default(1_000_000),
});

/** The bridge's route table (a JSON file, validated; defaults to the platform's own routes). */
export const RoutesSchema = z.object({
  natsToKafka: z.array(NatsToKafkaRoute).default([]),
  kafkaToNats: z.array(KafkaToNatsRoute).default([]),
});
export type Routes = z.output<typeof RoutesSchema>;
export type NatsToKafkaRouteConfig = z.output<typeof NatsToKafkaRoute>;
export type KafkaToNatsRouteConfig = z.output<typeof KafkaToNatsRoute>;

/**
 * The platform's routes: commands and registrations from the edge go NATS -> Kafka; readiness
 * and outcomes go Kafka -> NATS on subjects equal to their topic names; essay and batch status
 * changes go to the batch's live subject (`liveSubject(batchId)`), which the api streams as SSE.
 */
export function defaultRoutes(stream = 'HULEEDU'): Routes {
  const inbound = [
    ProcessingEvent.BATCH_ESSAYS_REGISTERED,
    ProcessingEvent.ESSAY_CONTENT_PROVISIONED,
    // Each registered phase's command: the edge may start a phase (the original platform's
    // orchestrator does).
    ...PHASES.map((p) => p.initiate.event),
    ProcessingEvent.BATCH_CANCEL_COMMAND,
    ProcessingEvent.BATCH_RETRY_COMMAND,
  ];
  const outbound: [ProcessingEvent, string][] = [
    [ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED, liveSubject('{field:data.batch_id}')],
    [ProcessingEvent.BATCH_LIFECYCLE_STATE_UPDATED, liveSubject('{key}')],
    [ProcessingEvent.BATCH_ESSAYS_READY, topicName(ProcessingEvent.BATCH_ESSAYS_READY)],
    [ProcessingEvent.ELS_BATCH_PHASE_OUTCOME, topicName(ProcessingEvent.ELS_BATCH_PHASE_OUTCOME)],
  ];
  return RoutesSchema.parse({
    natsToKafka: inbound.map((e) => ({
      name: `nats-to-kafka:${topicName(e)}`,
      stream,
      subject: topicName(e),
      durable: `bridge_${topicName(e).replace(/[^A-Za-z0-9_-]/g, '_')}`,
      topic: topicName(e),
    })),
    kafkaToNats: outbound.map(([e, subject]) => ({
      name: `kafka-to-nats:${topicName(e)}`,
      topic: topicName(e),
      // A group per route: kafkajs assigns every subscribed topic's partitions over all members
      // of a group, so routes sharing one group received each other's partitions (and dropped
      // them as unsubscribed) and their own went unread.
      group: `huleedu-bridge.${topicName(e)}`,
      subject,
    })),
  });
}

/** Load and validate a route file; a bad file is one error naming every problem. */
export function loadRoutes(path: string): Routes {
  let raw: unknown;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new HuleEduError(
      'HULEEDU_INVALID_SETTINGS',
      `cannot read bridge routes ${path}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // JSON.parse's message quotes the file's first bytes, which may be anything (a secret, a
    // binary): say where it broke, not what it read.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    throw new HuleEduError(
      'HULEEDU_INVALID_SETTINGS',
      `bridge routes ${path} is not JSON${at === undefined ? '' : ` (syntax error at byte ${at})`}`,
    );
  }
  return parseOrThrow(RoutesSchema, raw, `bridge routes ${path}`);
}

/** The value at a dotted path of a JSON value, as a string key, or undefined. */
export function fieldAt(value: unknown, path: string): string | undefined {
  let cur: unknown = value;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return typeof cur === 'string' && cur !== ''
    ? cur
    : typeof cur === 'number'
      ? String(cur)
      : undefined;
}
