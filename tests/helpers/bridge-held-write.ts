/**
 * The bridge process (`bridge/main.ts`) with one Kafka write held after Kafka has it and before
 * the bridge hears back: the lost-ack window, where a crash leaves messages in Kafka that
 * JetStream never saw acknowledged. A crash test kills the process while the write is held, so
 * the kill lands in that window every time (a kill at a random moment hardly ever does).
 *
 * Environment: HOLD_TOPIC (the Kafka topic whose writes count), HOLD_AFTER (hold the n-th write
 * to it, default 1), HOLD_MARKER (a file written with the held messages' ids once held).
 */
import { writeFileSync } from 'node:fs';
import type { OutgoingMessage } from '../../common-core/index.ts';
import { KafkaPublisher } from '../../messaging/index.ts';

const topic = process.env.HOLD_TOPIC;
const after = Number(process.env.HOLD_AFTER ?? '1');
const marker = process.env.HOLD_MARKER;
if (!topic || !marker) throw new Error('bridge-held-write needs HOLD_TOPIC and HOLD_MARKER');

const publish = KafkaPublisher.prototype.publish;
let writes = 0;
KafkaPublisher.prototype.publish = async function held(
  this: KafkaPublisher,
  messages: readonly OutgoingMessage[],
): Promise<void> {
  await publish.call(this, messages);
  const ours = messages.filter((m) => m.topic === topic);
  if (ours.length === 0 || ++writes !== after) return;
  writeFileSync(marker, JSON.stringify(ours.map((m) => m.headers?.['Nats-Msg-Id'])));
  await new Promise<never>(() => {}); // until the test kills the process
};

await import('../../bridge/main.ts');
