import { expect, it } from 'vitest';
import type { EventEnvelope, MessageBus, OutgoingMessage } from '../../common-core/index.ts';
import { anyEnvelopeDecoder, type DeadLetter } from '../../messaging/index.ts';
import { asMessage, spellcheckRequest } from './envelopes.ts';
import { waitFor } from './wait-for.ts';

/** One kind of poison: a message no retry can fix, and the code its dead letter must carry. */
export interface PoisonCase {
  name: string;
  code: string;
  /** The poison message for `topic`, keyed like the good ones around it. */
  build(topic: string, key: string): OutgoingMessage;
}

/** The three kinds of poison every consumer path must dead-letter with its reason. */
export const POISON_CASES: readonly PoisonCase[] = [
  {
    name: 'not JSON',
    code: 'HULEEDU_INVALID_JSON',
    build: (topic, key) => ({ topic, key, value: Buffer.from('{not json'), headers: {} }),
  },
  {
    name: 'a schema violation (no event_id)',
    code: 'HULEEDU_INVALID_PAYLOAD',
    build: (topic, key) => {
      const full = spellcheckRequest(key, -1);
      const { event_id: _dropped, ...rest } = full;
      return asMessage(topic, rest as typeof full, key);
    },
  },
  {
    name: 'an unknown schema_version',
    code: 'HULEEDU_UNSUPPORTED_SCHEMA_VERSION',
    build: (topic, key) =>
      asMessage(topic, { ...spellcheckRequest(key, -1), schema_version: 99 }, key),
  },
];

/** What a poison suite needs of one bus: a topic to use (fresh per test) and its dead letters. */
export interface PoisonSuiteTarget {
  bus: () => MessageBus;
  /** A fresh single-partition topic (with its `.DLT`) for one test. */
  topic: () => Promise<string>;
  /** The first `count` dead letters of `topic`, in order. */
  deadLetters: (topic: string, count: number) => Promise<DeadLetter[]>;
  /** How long to wait for the flow to finish (a real broker takes longer to join a group). */
  waitMs: number;
}

const seqOf = (env: EventEnvelope<unknown>): number =>
  (env.data as { system_metadata: { error_info: { seq: number } } }).system_metadata.error_info.seq;

/**
 * Poison through both consumer paths of a bus: each kind of poison, mixed among good messages of
 * the same key, is dead-lettered with its code and coordinates while every good message is
 * handled once, in order. Guards against a consumer that drops poison silently (no dead letter)
 * or that stalls its partition on it.
 */
export function poisonSuite(target: PoisonSuiteTarget): void {
  for (const mode of ['single', 'batch'] as const) {
    it(`${mode} consumption: each kind of poison is dead-lettered with its reason while the good messages flow in order`, async () => {
      const topic = await target.topic();
      const bus = target.bus();
      const key = 'essay-poison';
      const out: OutgoingMessage[] = [];
      const poisonOffsets: number[] = [];
      let seq = 0;
      for (const c of POISON_CASES) {
        out.push(asMessage(topic, spellcheckRequest(key, seq++), key));
        poisonOffsets.push(out.length);
        out.push(c.build(topic, key));
      }
      out.push(asMessage(topic, spellcheckRequest(key, seq++), key));
      await (await bus.publisher()).publish(out);

      const handled: number[] = [];
      const consumer =
        mode === 'single'
          ? await bus.consume({
              groupId: `poison-${mode}-${topic}`,
              topics: [topic],
              decode: anyEnvelopeDecoder,
              handle: async (env) => {
                handled.push(seqOf(env));
              },
            })
          : await bus.consumeBatches({
              groupId: `poison-${mode}-${topic}`,
              topics: [topic],
              decode: anyEnvelopeDecoder,
              maxBatchSize: 100,
              handleBatch: async (items) => {
                for (const item of items) handled.push(seqOf(item.value));
              },
            });
      try {
        await waitFor(
          `${seq} good messages handled around ${POISON_CASES.length} poison (${mode})`,
          () => handled.length >= seq,
          target.waitMs,
        );
        const letters = await target.deadLetters(topic, POISON_CASES.length);
        expect(
          letters.map((l) => l.error.code),
          'every poison message dead-lettered, in order, with the code of its reason',
        ).toEqual(POISON_CASES.map((c) => c.code));
        // Offsets are positions in the topic (Kafka, memory) or stream sequences (JetStream).
        const base = Number(letters[0]?.original.offset) - (poisonOffsets[0] ?? 0);
        expect(
          letters.map((l) => Number(l.original.offset) - base),
          'each dead letter names the offset of its poison',
        ).toEqual(poisonOffsets);
        for (const l of letters) {
          expect(l.original.topic).toBe(topic);
          expect(l.original.key).toBe(key);
          expect(l.error.message.length, 'the reason is stated').toBeGreaterThan(0);
        }
        expect(handled, 'every good message handled once, in order').toEqual(
          Array.from({ length: seq }, (_, i) => i),
        );
      } finally {
        await consumer.close();
      }
    });
  }
}
