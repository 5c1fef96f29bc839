import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeEnvelope,
  type EventEnvelope,
  ProcessingEvent,
  type SpellcheckResultDataV1,
  SpellcheckResultDataV1Schema,
  topicName,
} from '../../../../common-core/index.ts';
import {
  KafkaBus,
  KafkaPublisher,
  MessagingMetrics,
  silentLogger,
} from '../../../../messaging/index.ts';
import { createContentClient } from '../../../../services/content/content-client.ts';
import {
  BASIC_LEARNER_ERRORS,
  learnerDictionaryEngine,
} from '../../../../services/spellchecker/engine/learner-dictionary-engine.ts';
import { startWorker } from '../../../../services/spellchecker/worker.ts';
import { spellcheckRequest } from '../../../helpers/envelopes.ts';
import { testKafka, uniqueName } from '../../../helpers/infra.ts';
import { freePort, type RunningProcess, startProcess } from '../../../helpers/processes.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

describe('spell-checker worker with real Kafka and a real content service process', () => {
  const kafka = testKafka();
  let content: RunningProcess;
  let baseUrl: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spellchecker-it-'));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    content = await startProcess(
      'services/content/main.ts',
      { CONTENT_PORT: String(port), CONTENT_STORE_PATH: dir, LOG_LEVEL: 'info' },
      /content service ready/,
      30_000,
    );
    await waitFor(
      'content service healthy',
      async () => (await fetch(`${baseUrl}/healthz`).catch(() => undefined))?.ok,
      30_000,
    );
  });
  afterAll(async () => {
    if (content) expect(await content.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('turns a request into a correct result; the corrected text is retrievable and differs', async () => {
    const original = 'Thier freind did not recieve teh letter untill Monday.';
    const stored = await fetch(`${baseUrl}/v1/content`, {
      method: 'POST',
      body: original,
      headers: { 'content-type': 'text/plain' },
    });
    const textId = ((await stored.json()) as { storage_id: string }).storage_id;

    const registry = new Registry();
    const bus = new KafkaBus(kafka, silentLogger, MessagingMetrics.for(registry));
    const results: EventEnvelope<SpellcheckResultDataV1>[] = [];
    // Ids follow the id policy (no dots): see ENTITY_ID_PATTERN.
    const essayId = uniqueName('essay').replace('.', '-');
    const reader = await bus.consume({
      groupId: uniqueName('reader'),
      topics: [topicName(ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED)],
      decode: (m) => decodeEnvelope(m.value, SpellcheckResultDataV1Schema),
      handle: async (env, m) => {
        if (m.key === essayId) results.push(env);
      },
    });
    const worker = await startWorker({
      bus,
      content: createContentClient({ baseUrl, timeoutMs: 5_000 }),
      spellCheck: learnerDictionaryEngine(BASIC_LEARNER_ERRORS),
      groupId: uniqueName('spellchecker'),
      retry: { maxRetries: 2, initialDelayMs: 50, maxDelayMs: 200 },
      logger: silentLogger,
      registry,
    });
    try {
      const request = spellcheckRequest(essayId);
      (request.data as { text_storage_id: string }).text_storage_id = textId;
      const pub = await KafkaPublisher.connect(kafka);
      await pub.publish([
        {
          topic: topicName(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED),
          key: essayId,
          value: Buffer.from(JSON.stringify(request)),
        },
      ]);
      await pub.close();

      const result = await waitFor('the result', () => results[0], 45_000);
      expect(result.correlation_id).toBe(request.correlation_id);
      expect(result.data.status).toBe('spellchecked_success');
      expect(result.data.corrections_made).toBe(5);
      const correctedId = result.data.storage_metadata?.references.corrected_text
        ?.storage_id as string;
      expect(correctedId).not.toBe(textId);
      const corrected = await (await fetch(`${baseUrl}/v1/content/${correctedId}`)).text();
      expect(corrected).toBe('Their friend did not receive the letter until Monday.');
      expect(corrected).not.toBe(original);
      // The outcome is recorded right after the publish the reader already saw.
      const metrics = await waitFor('metrics recorded', async () => {
        const text = await registry.metrics();
        // The fresh group also works through requests earlier runs left on the shared topic.
        return /spellchecker_essays_total\{status="spellchecked_success"\} [1-9]/.test(text)
          ? text
          : undefined;
      });
      expect(metrics).toMatch(
        /kafka_message_queue_latency_seconds_count\{topic="huleedu.essay.spellcheck.requested.v1"/,
      );
    } finally {
      await worker.close();
      await reader.close();
      await bus.close();
    }
  }, 120_000);
});
