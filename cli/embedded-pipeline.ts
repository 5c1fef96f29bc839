import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { type LifecycleHost, startLifecycleHost } from '../actors/lifecycle/host.ts';
import type { RuntimeObserver } from '../actors/runtime/index.ts';
import {
  type BatchPhaseOutcomeV1,
  BatchPhaseOutcomeV1Schema,
  CONCLUDED_BATCH_STATUSES,
  CONCLUDED_ESSAY_STATUSES,
  type EventEnvelope,
  encodeEnvelope,
  HuleEduError,
  type Logger,
  type MessagePublisher,
  makeEnvelope,
  ProcessingEvent,
  topicName,
} from '../common-core/index.ts';
import { openDatabase } from '../db/index.ts';
import { envelopeDecoder, MemoryBus, silentLogger } from '../messaging/index.ts';
import { DEFAULT_PIPELINE, type PhaseResult } from '../phases/index.ts';
import { spellcheckResultOf } from '../phases/spellcheck/spellcheck-phase.ts';
import type { ContentStore } from '../services/content/store/content-store.ts';
import { storageIdOf, TEXT_CONTENT_TYPE } from '../services/content/store/content-store.ts';
import { startMetricsWorker } from '../services/metrics/worker.ts';
import type { SpellCheckFn } from '../services/spellchecker/engine/spell-check.ts';
import { mapInOrder } from '../services/spellchecker/map-in-order.ts';
import { startWorker } from '../services/spellchecker/worker.ts';

/**
 * An essay to process: its name and how to read its text. Texts are read as they are stored
 * (a chunk at a time), not held for the whole run: a folder of thousands in bounded memory.
 */
export interface EmbeddedEssay {
  name: string;
  read: () => Promise<string>;
}

export interface EmbeddedEssayReport {
  name: string;
  essayId: string;
  status: string;
  correctionsMade: number | null;
  correctedText: string | null;
  /** What each phase the essay passed left on it (e.g. `metrics`: its text metrics). */
  results: Readonly<Record<string, PhaseResult>>;
  error: { code: string; message: string } | null;
}

export interface EmbeddedReport {
  batchId: string;
  /** How the batch concluded (its final state): every phase of its pipeline considered. */
  outcome: BatchPhaseOutcomeV1['phase_status'];
  /** Each phase's outcome, in the order announced. */
  phases: { phase: string; status: BatchPhaseOutcomeV1['phase_status'] }[];
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
  /** The phases to run, in order; default every registered phase. */
  pipeline?: readonly string[];
  /** Told how many essays the first phase has finished, after each one. */
  onProgress?: (done: number, total: number) => void;
  /** Told of every committed actor step (`--inspect`: the XState inspector). */
  observer?: RuntimeObserver;
  /**
   * Where a migrated template database is kept, which a new `pglite://<dir>` is copied from
   * instead of running initdb (~2 s, ~500 MB at its peak). Default: none.
   */
  pgliteTemplates?: string;
  /** How a missing template is built (see `openDatabase`); default: in this process. */
  buildPgliteTemplate?: (dir: string) => Promise<void>;
}

/** Essays provisioned per publish (and texts stored concurrently while preparing them). */
const PROVISION_CHUNK = 250;
const STORE_CONCURRENCY = 16;

/** The content service's client, over the embedded store (no HTTP in between). */
function localContent(store: ContentStore) {
  return {
    fetchText: async (id: string): Promise<string> => {
      const found = await store.get(id);
      if (!found) throw new HuleEduError('HULEEDU_NOT_FOUND', `text ${id} not found`);
      return found.body.toString('utf8');
    },
    storeText: async (text: string): Promise<string> => {
      const body = Buffer.from(text, 'utf8');
      const id = storageIdOf(body, TEXT_CONTENT_TYPE);
      await store.put(id, body, TEXT_CONTENT_TYPE);
      return id;
    },
  };
}

/** A batch's ids: the batch's, the correlation's, and each essay's (by its position). */
interface BatchPlan {
  batchId: string;
  correlationId: string;
  essays: { name: string; essayId: string }[];
}

/**
 * The whole platform in one process: in-memory bus, PGlite, the content store, the spell-checker
 * and text-metrics workers and the lifecycle host — the same code as the distributed services,
 * wired to embedded ports. Registers a batch (every registered phase), provisions its essays,
 * lets the batch actor run its phases once every essay is provisioned, and returns once the
 * batch concluded and every essay reached a final state.
 */
export async function runEmbeddedBatch(options: EmbeddedOptions): Promise<EmbeddedReport> {
  const started = performance.now();
  const batchId = randomUUID();
  const plan: BatchPlan = {
    batchId,
    correlationId: randomUUID(),
    essays: options.essays.map((e, i) => ({
      name: e.name,
      essayId: `${batchId}-${String(i + 1).padStart(4, '0')}`,
    })),
  };
  await using platform = await startPlatform(options);
  // Before anything is published: the memory bus keeps nothing for a group that is not there.
  await using outcome = await watchOutcomes(platform, batchId);
  // No cap by default: the run ends when the batch does. An essay that cannot be processed
  // fails on its own (its result timeout, then its attempts), so the batch always concludes.
  using deadline = timeLimit(batchId, options.timeoutMs);
  await registerBatch(platform.publisher, plan, options.pipeline ?? DEFAULT_PIPELINE);
  await provisionEssays(platform.publisher, options, plan);
  const concluded = await Promise.race([outcome.concluded, deadline.expired]);
  const essays = await collectReports(platform.host, options.store, plan, deadline.expired);
  return {
    batchId,
    outcome: concluded,
    phases: outcome.phases,
    essays,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The bus, the database, the lifecycle host and the phases' workers, running. */
async function startPlatform(options: EmbeddedOptions) {
  const logger = options.logger ?? silentLogger;
  // Holding only the work in flight: a batch of thousands of essays in bounded memory.
  const bus = new MemoryBus({ partitions: 3, retain: 'unconsumed' });
  const database = await openDatabase({
    url: options.databaseUrl,
    ...(options.pgliteTemplates ? { pgliteTemplates: options.pgliteTemplates } : {}),
    ...(options.buildPgliteTemplate ? { buildPgliteTemplate: options.buildPgliteTemplate } : {}),
  });
  const host = await startLifecycleHost({
    bus,
    database,
    logger,
    registry: new Registry(),
    groupId: 'essay-lifecycle-service',
    essayDefaults: { maxAttempts: 3, resultTimeoutMs: 60_000 },
    timerIntervalMs: 20,
    relayIdleMs: 20,
    // Published rows are deleted at once (nothing reads them again here): one row version
    // written per event instead of two, and no pruning.
    outboxRetainSentMs: 0,
    ...(options.observer ? { observer: options.observer } : {}),
  });
  // Progress: the spell checker's results (the first phase when it runs), else the metrics'.
  let done = 0;
  const progress = () => options.onProgress?.(++done, options.essays.length);
  const spellcheckRuns = (options.pipeline ?? DEFAULT_PIPELINE).includes('spellcheck');
  const worker = await startWorker({
    bus,
    content: localContent(options.store),
    spellCheck: options.spellCheck,
    groupId: 'spellchecker-service',
    retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 100 },
    logger,
    registry: new Registry(),
    // Larger chunks than the distributed default (64): one publish and one lifecycle batch per
    // 256 results. bench:embedded, 5,000 essays: ~310 -> ~400 essays/s.
    maxBatchSize: 256,
    onPublished: () => (spellcheckRuns ? progress() : undefined),
  });
  const metrics = await startMetricsWorker({
    bus,
    content: localContent(options.store),
    groupId: 'text-metrics-service',
    retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 100 },
    logger,
    registry: new Registry(),
    maxBatchSize: 256,
    onPublished: () => (spellcheckRuns ? undefined : progress()),
  });
  const publisher = await bus.publisher();
  return {
    bus,
    host,
    publisher,
    async [Symbol.asyncDispose]() {
      await metrics.close();
      await worker.close();
      await host.close();
      await bus.close();
      await database.close();
    },
  };
}

/**
 * The batch actor runs its phases itself once every essay is provisioned: each phase's outcome,
 * and how the batch concluded. A phase's outcome is written with the batch's step, so when the
 * last one comes the batch's final state is there to read.
 */
async function watchOutcomes(platform: { bus: MemoryBus; host: LifecycleHost }, batchId: string) {
  let resolve: (status: BatchPhaseOutcomeV1['phase_status']) => void = () => {};
  const concluded = new Promise<BatchPhaseOutcomeV1['phase_status']>((r) => {
    resolve = r;
  });
  const phases: EmbeddedReport['phases'] = [];
  const decode = envelopeDecoder(BatchPhaseOutcomeV1Schema);
  const consumer = await platform.bus.consume({
    groupId: 'embedded-outcome-watch',
    topics: [topicName(ProcessingEvent.ELS_BATCH_PHASE_OUTCOME)],
    decode,
    handle: async (env: EventEnvelope<BatchPhaseOutcomeV1>) => {
      if (env.data.batch_id !== batchId) return;
      phases.push({ phase: env.data.phase_name, status: env.data.phase_status });
      const batch = await platform.host.runtime.read('batch', batchId);
      const status = String(batch?.snapshot.value);
      // The final states are named as the outcome statuses are.
      if (CONCLUDED_BATCH_STATUSES.has(status))
        resolve(status as BatchPhaseOutcomeV1['phase_status']);
    },
  });
  return { concluded, phases, [Symbol.asyncDispose]: () => consumer.close() };
}

/** A promise that rejects once `timeoutMs` passed (never, without one); disposed, it stops. */
function timeLimit(batchId: string, timeoutMs = Number.POSITIVE_INFINITY) {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    if (!Number.isFinite(timeoutMs)) return;
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `batch ${batchId} did not finish within --timeout ${timeoutMs / 1000} s (the data in the store is consistent: run again to finish it)`,
          ),
        ),
      timeoutMs,
    );
  });
  // Raced only once the essays are provisioned: until then a rejection has no taker yet.
  expired.catch(() => {});
  return { expired, [Symbol.dispose]: () => clearTimeout(timer) };
}

async function registerBatch(
  publisher: MessagePublisher,
  plan: BatchPlan,
  pipeline: readonly string[],
): Promise<void> {
  const registered = makeEnvelope({
    event: ProcessingEvent.BATCH_ESSAYS_REGISTERED,
    sourceService: 'huleedu-cli',
    correlationId: plan.correlationId,
    data: {
      event_name: ProcessingEvent.BATCH_ESSAYS_REGISTERED,
      entity_ref: { entity_id: plan.batchId, entity_type: 'batch', parent_id: null },
      timestamp: new Date().toISOString(),
      batch_id: plan.batchId,
      expected_essay_count: plan.essays.length,
      essay_ids: plan.essays.map((e) => e.essayId),
      course_code: null,
      language: 'en',
      pipeline: [...pipeline],
    },
  });
  await publisher.publish([
    {
      topic: registered.event_type,
      key: plan.batchId,
      value: encodeEnvelope(registered),
      id: registered.event_id,
    },
  ]);
}

/** Store each text and announce it, a chunk at a time (texts read as they are stored). */
async function provisionEssays(
  publisher: MessagePublisher,
  options: EmbeddedOptions,
  plan: BatchPlan,
): Promise<void> {
  const content = localContent(options.store);
  for (let from = 0; from < plan.essays.length; from += PROVISION_CHUNK) {
    const chunk = plan.essays.slice(from, from + PROVISION_CHUNK);
    const textIds = await mapInOrder(chunk, STORE_CONCURRENCY, (_e, i) =>
      (options.essays[from + i] as EmbeddedEssay).read().then((text) => content.storeText(text)),
    );
    await publisher.publish(
      chunk.map((e, i) => {
        const provisioned = makeEnvelope({
          event: ProcessingEvent.ESSAY_CONTENT_PROVISIONED,
          sourceService: 'huleedu-cli',
          correlationId: plan.correlationId,
          data: {
            event_name: ProcessingEvent.ESSAY_CONTENT_PROVISIONED,
            entity_ref: { entity_id: e.essayId, entity_type: 'essay', parent_id: plan.batchId },
            timestamp: new Date().toISOString(),
            batch_id: plan.batchId,
            text_storage_id: textIds[i] as string,
            original_file_name: e.name,
          },
        });
        return {
          topic: provisioned.event_type,
          key: e.essayId,
          value: encodeEnvelope(provisioned),
          id: provisioned.event_id,
        };
      }),
    );
  }
}

/**
 * Each essay's final state and corrected text. The outcome follows the essays' last steps; an
 * essay's state is read again until it is final.
 */
function collectReports(
  host: LifecycleHost,
  store: ContentStore,
  plan: BatchPlan,
  expired: Promise<never>,
): Promise<EmbeddedEssayReport[]> {
  return mapInOrder(plan.essays, STORE_CONCURRENCY, async (e) => {
    let s = await host.runtime.read('essay', e.essayId);
    while (!s || !CONCLUDED_ESSAY_STATUSES.has(String(s.snapshot.value))) {
      await Promise.race([new Promise((r) => setTimeout(r, 20)), expired]);
      s = await host.runtime.read('essay', e.essayId);
    }
    const ctx = s.snapshot.context as {
      results: Readonly<Record<string, PhaseResult>>;
      error: { code: string; message: string } | null;
    };
    const spellchecked = spellcheckResultOf(ctx.results);
    const corrected = spellchecked
      ? await store.get(spellchecked.correctedTextStorageId)
      : undefined;
    return {
      name: e.name,
      essayId: e.essayId,
      status: String(s.snapshot.value),
      correctionsMade: spellchecked?.correctionsMade ?? null,
      correctedText: corrected ? corrected.body.toString('utf8') : null,
      results: ctx.results,
      error: ctx.error,
    };
  });
}
