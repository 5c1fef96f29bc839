import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { startLifecycleHost } from '../actors/lifecycle/host.ts';
import type { RuntimeObserver } from '../actors/runtime/index.ts';
import {
  type BatchPhaseOutcomeV1,
  BatchPhaseOutcomeV1Schema,
  CONCLUDED_ESSAY_STATUSES,
  type EventEnvelope,
  type Logger,
  makeEnvelope,
  ProcessingEvent,
  SpellcheckRequestedDataV1Schema,
  topicName,
} from '../common-core/index.ts';
import { openDatabase } from '../db/index.ts';
import { envelopeDecoder, MemoryBus, silentLogger } from '../messaging/index.ts';
import type { ContentStore } from '../services/content/store/content-store.ts';
import { storageIdOf, TEXT_CONTENT_TYPE } from '../services/content/store/content-store.ts';
import type { SpellCheckFn } from '../services/spellchecker/engine/spell-check.ts';
import { processMessage } from '../services/spellchecker/process-message.ts';

export interface EmbeddedEssay {
  name: string;
  text: string;
}

export interface EmbeddedEssayReport {
  name: string;
  essayId: string;
  status: string;
  correctionsMade: number | null;
  correctedText: string | null;
  error: { code: string; message: string } | null;
}

export interface EmbeddedReport {
  batchId: string;
  outcome: BatchPhaseOutcomeV1['phase_status'];
  essays: EmbeddedEssayReport[];
  seconds: number;
}

export interface EmbeddedOptions {
  essays: readonly EmbeddedEssay[];
  store: ContentStore;
  /** `pglite://memory` or `pglite://<dir>`. */
  databaseUrl: string;
  spellCheck: SpellCheckFn;
  timeoutMs?: number;
  logger?: Logger;
  /** Told how many essays the spell checker has finished, after each one. */
  onProgress?: (done: number, total: number) => void;
  /** Told of every committed actor step (`--inspect`: the XState inspector). */
  observer?: RuntimeObserver;
}

/**
 * The whole platform in one process: in-memory bus, PGlite, the content store, the spell-checker
 * and the lifecycle host — the same code as the distributed services, wired to embedded ports.
 * Registers a batch, provisions its essays, starts spellchecking when the batch is ready and
 * returns once the phase outcome is announced and every essay reached a final state.
 */
export async function runEmbeddedBatch(options: EmbeddedOptions): Promise<EmbeddedReport> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  // No cap by default: the run ends when the batch does. An essay that cannot be processed
  // fails on its own (its result timeout, then its attempts), so the batch always concludes.
  const timeoutMs = options.timeoutMs ?? Number.POSITIVE_INFINITY;
  await using bus = new MemoryBus({ partitions: 3 });
  await using database = await openDatabase({ url: options.databaseUrl });
  const host = await startLifecycleHost({
    bus,
    database,
    logger,
    registry: new Registry(),
    groupId: 'essay-lifecycle-service',
    essayDefaults: { maxAttempts: 3, resultTimeoutMs: 60_000 },
    timerIntervalMs: 20,
    relayIdleMs: 20,
    ...(options.observer ? { observer: options.observer } : {}),
  });
  const publisher = await bus.publisher();
  const decodeRequest = envelopeDecoder(SpellcheckRequestedDataV1Schema);
  const checked = new Set<string>();
  const spellchecker = await bus.consume({
    groupId: 'spellchecker-service',
    topics: [topicName(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED)],
    decode: decodeRequest,
    handle: async (request) => {
      const outcome = await processMessage(request, {
        fetchText: async (id) => {
          const found = await options.store.get(id);
          if (!found) throw new Error(`text ${id} not found`);
          return found.body.toString('utf8');
        },
        storeText: async (text) => {
          const body = Buffer.from(text, 'utf8');
          const id = storageIdOf(body, TEXT_CONTENT_TYPE);
          await options.store.put(id, body, TEXT_CONTENT_TYPE);
          return id;
        },
        spellCheck: options.spellCheck,
        publish: (result, key) =>
          publisher.publish([
            {
              topic: result.event_type,
              key,
              value: Buffer.from(JSON.stringify(result)),
              id: result.event_id,
            },
          ]),
        retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 100 },
      });
      checked.add(outcome.essayId);
      options.onProgress?.(checked.size, options.essays.length);
    },
  });

  const batchId = randomUUID();
  const correlationId = randomUUID();
  const essays = options.essays.map((e, i) => ({
    ...e,
    essayId: `${batchId}-${String(i + 1).padStart(4, '0')}`,
  }));
  const textIds = new Map<string, string>();
  let outcome: EventEnvelope<BatchPhaseOutcomeV1> | undefined;

  // The batch actor starts the phase itself once every essay is provisioned; watch for the
  // outcome it announces.
  const decodeOutcome = envelopeDecoder(BatchPhaseOutcomeV1Schema);
  const orchestrator = await bus.consume({
    groupId: 'embedded-outcome-watch',
    topics: [topicName(ProcessingEvent.ELS_BATCH_PHASE_OUTCOME)],
    decode: decodeOutcome,
    handle: async (env) => {
      if (env.data.batch_id === batchId) outcome = env;
    },
  });

  try {
    const now = () => new Date().toISOString();
    const registered = makeEnvelope({
      event: ProcessingEvent.BATCH_ESSAYS_REGISTERED,
      sourceService: 'huleedu-cli',
      correlationId,
      data: {
        event_name: ProcessingEvent.BATCH_ESSAYS_REGISTERED,
        entity_ref: { entity_id: batchId, entity_type: 'batch', parent_id: null },
        timestamp: now(),
        batch_id: batchId,
        expected_essay_count: essays.length,
        essay_ids: essays.map((e) => e.essayId),
        course_code: null,
        language: 'en',
        pipeline: ['spellcheck'],
      },
    });
    await publisher.publish([
      {
        topic: registered.event_type,
        key: batchId,
        value: Buffer.from(JSON.stringify(registered)),
        id: registered.event_id,
      },
    ]);
    for (const e of essays) {
      const body = Buffer.from(e.text, 'utf8');
      const id = storageIdOf(body, TEXT_CONTENT_TYPE);
      await options.store.put(id, body, TEXT_CONTENT_TYPE);
      textIds.set(e.essayId, id);
      const provisioned = makeEnvelope({
        event: ProcessingEvent.ESSAY_CONTENT_PROVISIONED,
        sourceService: 'huleedu-cli',
        correlationId,
        data: {
          event_name: ProcessingEvent.ESSAY_CONTENT_PROVISIONED,
          entity_ref: { entity_id: e.essayId, entity_type: 'essay', parent_id: batchId },
          timestamp: now(),
          batch_id: batchId,
          text_storage_id: id,
          original_file_name: e.name,
        },
      });
      await publisher.publish([
        {
          topic: provisioned.event_type,
          key: e.essayId,
          value: Buffer.from(JSON.stringify(provisioned)),
          id: provisioned.event_id,
        },
      ]);
    }

    const deadline = Date.now() + timeoutMs;
    const finalEssays = async (): Promise<boolean> => {
      for (const e of essays) {
        const s = await host.runtime.read('essay', e.essayId);
        if (!s || !CONCLUDED_ESSAY_STATUSES.has(String(s.snapshot.value))) return false;
      }
      return true;
    };
    while (!(outcome && (await finalEssays()))) {
      if (Date.now() > deadline)
        throw new Error(
          `batch ${batchId} did not finish within --timeout ${timeoutMs / 1000} s (the data in the store is consistent: run again to finish it)`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
    const reports: EmbeddedEssayReport[] = [];
    for (const e of essays) {
      const s = await host.runtime.read('essay', e.essayId);
      const ctx = s?.snapshot.context as {
        correctedTextStorageId: string | null;
        correctionsMade: number | null;
        error: { code: string; message: string } | null;
      };
      const corrected = ctx.correctedTextStorageId
        ? await options.store.get(ctx.correctedTextStorageId)
        : undefined;
      reports.push({
        name: e.name,
        essayId: e.essayId,
        status: String(s?.snapshot.value),
        correctionsMade: ctx.correctionsMade,
        correctedText: corrected ? corrected.body.toString('utf8') : null,
        error: ctx.error,
      });
    }
    return {
      batchId,
      outcome: (outcome as EventEnvelope<BatchPhaseOutcomeV1>).data.phase_status,
      essays: reports,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await orchestrator.close();
    await spellchecker.close();
    await host.close();
  }
}
