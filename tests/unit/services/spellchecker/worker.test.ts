import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import {
  decodeEnvelope,
  HuleEduError,
  ProcessingEvent,
  SpellcheckResultDataV1Schema,
  topicName,
} from '../../../../common-core/index.ts';
import { MemoryBus, silentLogger } from '../../../../messaging/index.ts';
import {
  BASIC_LEARNER_ERRORS,
  learnerDictionaryEngine,
} from '../../../../services/spellchecker/engine/learner-dictionary-engine.ts';
import { startWorker } from '../../../../services/spellchecker/worker.ts';
import { asMessage, spellcheckRequest } from '../../../helpers/envelopes.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

const REQUESTS = topicName(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED);
const RESULTS = topicName(ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED);

/** A request for `essayId` whose text is stored under `textId`. */
function request(essayId: string, textId: string) {
  const env = spellcheckRequest(essayId);
  (env.data as { text_storage_id: string }).text_storage_id = textId;
  return asMessage(REQUESTS, env, essayId);
}

describe('spell-checker worker on the message-bus port (memory bus)', () => {
  it('checks a chunk concurrently and publishes its results together, in the requests order', async () => {
    await using bus = new MemoryBus({ partitions: 1 });
    const texts = new Map<string, string>();
    for (let i = 0; i < 12; i++) texts.set(String(i).padStart(32, '0'), `I recieve letter ${i}.`);
    let inFlight = 0;
    let most = 0;
    const publishes: number[] = [];
    const publisher = await bus.publisher();
    const counting = {
      publisher: async () => ({
        ...publisher,
        publish: async (messages: Parameters<typeof publisher.publish>[0]) => {
          publishes.push(messages.length);
          await publisher.publish(messages);
        },
      }),
      consume: bus.consume.bind(bus),
      consumeBatches: bus.consumeBatches.bind(bus),
    };
    // Fetches finish in reverse order of their start within a chunk: results must not follow.
    const worker = await startWorker({
      bus: counting,
      content: {
        fetchText: async (id) => {
          inFlight++;
          most = Math.max(most, inFlight);
          const n = Number(id);
          for (let t = 0; t < 12 - n; t++) await new Promise((r) => setImmediate(r));
          inFlight--;
          return texts.get(id) ?? '';
        },
        storeText: async (text) => String(text.length).padStart(32, 'f'),
      },
      spellCheck: learnerDictionaryEngine(BASIC_LEARNER_ERRORS),
      groupId: 'spellchecker',
      retry: { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1 },
      logger: silentLogger,
      registry: new Registry(),
      maxBatchSize: 6,
      concurrency: 3,
    });
    try {
      await publisher.publish([...texts.keys()].map((id, i) => request(`essay-${i}`, id)));
      await waitFor('12 results', () => bus.messages(RESULTS).length === 12);
      const results = bus
        .messages(RESULTS)
        .map((m) => decodeEnvelope(m.value, SpellcheckResultDataV1Schema));
      expect(results.map((r) => r.data.entity_ref.entity_id)).toEqual(
        Array.from({ length: 12 }, (_, i) => `essay-${i}`),
      );
      expect(results.every((r) => r.data.status === 'spellchecked_success')).toBe(true);
      expect(results.map((r) => r.data.corrections_made)).toEqual(Array(12).fill(1));
      expect(publishes).toEqual([6, 6]);
      expect(most).toBe(3);
    } finally {
      await worker.close();
    }
  });

  it('a text that is missing fails its essay alone, with the reason; the chunk goes on', async () => {
    await using bus = new MemoryBus({ partitions: 1 });
    const publisher = await bus.publisher();
    const worker = await startWorker({
      bus,
      content: {
        fetchText: async (id) => {
          if (id === 'b'.repeat(32))
            throw new HuleEduError('HULEEDU_NOT_FOUND', `text ${id} not found`);
          return 'I recieve it.';
        },
        storeText: async () => 'c'.repeat(32),
      },
      spellCheck: learnerDictionaryEngine(BASIC_LEARNER_ERRORS),
      groupId: 'spellchecker',
      retry: { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1 },
      logger: silentLogger,
      registry: new Registry(),
    });
    try {
      await publisher.publish([
        request('essay-a', 'a'.repeat(32)),
        request('essay-b', 'b'.repeat(32)),
        request('essay-c', 'a'.repeat(32)),
      ]);
      await waitFor('3 results', () => bus.messages(RESULTS).length === 3);
      const results = bus
        .messages(RESULTS)
        .map((m) => decodeEnvelope(m.value, SpellcheckResultDataV1Schema).data);
      expect(results.map((r) => r.status)).toEqual([
        'spellchecked_success',
        'spellcheck_failed',
        'spellchecked_success',
      ]);
      expect(results[1]?.system_metadata.error_info).toEqual({
        code: 'HULEEDU_NOT_FOUND',
        message: `text ${'b'.repeat(32)} not found`,
      });
      expect(bus.messages(`${REQUESTS}.DLT`)).toHaveLength(0);
    } finally {
      await worker.close();
    }
  });
});
