import { parseArgs } from 'node:util';
import type { Kafka } from 'kafkajs';
import { z } from 'zod';
import {
  dltTopic,
  HostList,
  type IncomingMessage,
  loadSettings,
  type OutgoingMessage,
} from '../common-core/index.ts';
import {
  createKafka,
  type DeadLetter,
  KafkaPublisher,
  readMessageAt,
  readWholeTopic,
  silentLogger,
} from '../messaging/index.ts';
import { UsageError } from './usage-error.ts';

export const DltSettingsSchema = z.object({ KAFKA_BROKERS: HostList.default(['127.0.0.1:9092']) });

/** A dead letter as read from its `.DLT` topic: where it sits there, and its body. */
export interface StoredDeadLetter {
  /** `<partition>:<offset>` in the DLT topic: how `show` and `replay --only` name it. */
  ref: string;
  body: DeadLetter;
}

const DeadLetterShape = z.object({
  original: z
    .object({
      topic: z.string(),
      partition: z.number(),
      offset: z.string(),
      key: z.string().nullable(),
      headers: z.record(z.string(), z.string()),
      payload: z.string(),
      payload_encoding: z.enum(['utf8', 'base64']),
      payload_bytes: z.number(),
      payload_truncated: z.boolean(),
    })
    .passthrough(),
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean() }),
  consumer_group: z.string(),
  attempts: z.number(),
  failed_at: z.string(),
});

/** Every dead letter of `topic` (its `.DLT`), oldest first per partition; unreadable ones skipped. */
export async function readDeadLetters(kafka: Kafka, topic: string): Promise<StoredDeadLetter[]> {
  const messages = await readWholeTopic(kafka, dltTopic(topic));
  const out: StoredDeadLetter[] = [];
  for (const m of messages) {
    try {
      const body = DeadLetterShape.parse(JSON.parse(Buffer.from(m.value).toString('utf8')));
      out.push({ ref: `${m.partition}:${m.offset}`, body: body as DeadLetter });
    } catch {
      // Not a dead letter this platform wrote: list only what can be replayed.
    }
  }
  return out;
}

/** Headers the dead-letter path added; a replay sends the original's headers only. */
const DLT_HEADER = /^huleedu-dlt-/;

/**
 * The original message of a dead letter, ready to publish to its topic again: its key, headers
 * and payload. A payload the dead letter kept only in part is read from its source (the
 * original topic, partition and offset) while the topic still retains it.
 */
export async function originalOf(
  kafka: Kafka,
  dl: DeadLetter,
): Promise<OutgoingMessage | { problem: string }> {
  const o = dl.original;
  let value: Buffer;
  let headers = Object.fromEntries(Object.entries(o.headers).filter(([k]) => !DLT_HEADER.test(k)));
  let key = o.key;
  if (!o.payload_truncated && !o.key_truncated && !o.headers_truncated) {
    value = Buffer.from(o.payload, o.payload_encoding === 'base64' ? 'base64' : 'utf8');
  } else {
    const source: IncomingMessage | undefined = await readMessageAt(
      kafka,
      o.topic,
      o.partition,
      o.offset,
    );
    if (!source)
      return {
        problem: `the dead letter kept only part of the message, and ${o.topic} ${o.partition}:${o.offset} is no longer retained`,
      };
    value = Buffer.from(source.value);
    headers = source.headers;
    key = source.key;
  }
  return { topic: o.topic, key: key ?? `${o.topic}/${o.partition}/${o.offset}`, value, headers };
}

const USAGE =
  'huleedu dlt list --topic <topic> [--json] | dlt show <partition:offset> --topic <topic> | dlt replay --topic <topic> (--all | --only <p:o>[,<p:o>...] | --code <HULEEDU_...>) [--dry-run]';

/**
 * `huleedu dlt list|show|replay --topic <topic>`: inspect a topic's dead letters and replay
 * chosen ones to the topic after a fix. Replaying is idempotent where consumers are: a replayed
 * event keeps its event id, so one that was applied before changes nothing.
 */
export async function dltCommand(argv: string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      topic: { type: 'string' },
      json: { type: 'boolean' },
      all: { type: 'boolean' },
      only: { type: 'string' },
      code: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
  });
  const [action, ref] = positionals;
  if (!values.topic || !['list', 'show', 'replay'].includes(action ?? ''))
    throw new UsageError(USAGE);
  const topic = values.topic.replace(/\.DLT$/, '');
  const settings = loadSettings('dlt', DltSettingsSchema);
  const kafka = createKafka({
    brokers: settings.KAFKA_BROKERS,
    clientId: 'huleedu-dlt',
    logger: silentLogger,
  });
  const letters = await readDeadLetters(kafka, topic);

  if (action === 'list') {
    if (values.json) {
      for (const l of letters) print(JSON.stringify({ ref: l.ref, ...l.body }));
      return 0;
    }
    print(`${letters.length} dead letter(s) in ${dltTopic(topic)}`);
    for (const { ref: r, body } of letters)
      print(
        `  ${r}\t${body.failed_at}\t${body.error.code}\t${body.original.topic} ${body.original.partition}:${body.original.offset} key ${body.original.key ?? '-'}\t${body.error.message.slice(0, 120)}`,
      );
    return 0;
  }
  if (action === 'show') {
    const found = letters.find((l) => l.ref === ref);
    if (!found) {
      print(
        `no dead letter ${ref ?? '(none given)'} in ${dltTopic(topic)}; see: huleedu dlt list --topic ${topic}`,
      );
      return 1;
    }
    print(JSON.stringify(found.body, null, 2));
    return 0;
  }

  const only = values.only?.split(',').map((s) => s.trim());
  if (!values.all && !only && !values.code) throw new UsageError(USAGE);
  const chosen = letters.filter(
    (l) =>
      (values.all ||
        only?.includes(l.ref) ||
        (values.code !== undefined && l.body.error.code === values.code)) ??
      false,
  );
  const unknown = only?.filter((r) => !letters.some((l) => l.ref === r)) ?? [];
  for (const r of unknown) print(`  ${r}: no such dead letter`);
  const messages: OutgoingMessage[] = [];
  let problems = unknown.length;
  for (const l of chosen) {
    const original = await originalOf(kafka, l.body);
    if ('problem' in original) {
      problems++;
      print(`  ${l.ref}: not replayed: ${original.problem}`);
    } else messages.push(original);
  }
  if (values['dry-run']) {
    print(`would replay ${messages.length} of ${chosen.length} chosen dead letter(s) to ${topic}`);
    return problems > 0 ? 1 : 0;
  }
  if (messages.length > 0) {
    const publisher = await KafkaPublisher.connect(kafka);
    try {
      await publisher.publish(messages);
    } finally {
      await publisher.close();
    }
  }
  print(`replayed ${messages.length} of ${chosen.length} chosen dead letter(s) to ${topic}`);
  return problems > 0 ? 1 : 0;
}
