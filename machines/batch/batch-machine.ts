import { and, assign, setup } from 'xstate';
import { BatchStatus } from '../../common-core/index.ts';
import { recordOnly } from '../effects.ts';

export const BATCH_MACHINE_ID = 'batch';
/** 2: per-essay maps became arrays (see `BatchContext`); `migrateBatchV1` upgrades version 1. */
export const BATCH_MACHINE_VERSION = 2;

export interface BatchInput {
  batchId: string;
}

export interface BatchContext {
  batchId: string;
  /** Known once the batch is registered; content may arrive before that. */
  expectedEssayIds: string[] | null;
  pipeline: string[];
  language: string;
  /**
   * Essays whose text is stored, in arrival order, with their text storage ids at the same
   * positions; once the batch is registered, only expected essays, each once. Arrays, not
   * objects keyed by essay id: the context is immutable, so an event copies what it changes,
   * and copying a 1,000-key object took ~1 ms (an array of 1,000: a few µs). With the maps a
   * host spent ~300 µs per transition on classes of 1,000 essays (bench:host).
   */
  provisionedEssayIds: string[];
  provisionedTextIds: string[];
  phase: string | null;
  /** Expected essays that concluded the current phase, by outcome, each once. */
  succeeded: string[];
  failed: string[];
  correlationId: string | null;
}

export type BatchEvent =
  | {
      type: 'BATCH_REGISTERED';
      essayIds: string[];
      pipeline: string[];
      language: string;
      correlationId: string | null;
    }
  | { type: 'ESSAY_PROVISIONED'; essayId: string; textStorageId: string }
  | { type: 'PHASE_INITIATED'; phase: string; correlationId: string | null }
  | { type: 'ESSAY_PHASE_CONCLUDED'; essayId: string; outcome: 'success' | 'failed' }
  | { type: 'CANCEL_REQUESTED'; reason: string }
  | { type: 'RETRY_REQUESTED'; correlationId: string | null };

export interface AnnounceReadyParams {
  batchId: string;
  essays: { essay_id: string; text_storage_id: string }[];
  correlationId: string | null;
}

/**
 * Start a phase for the batch's essays: the batch plays the original platform's orchestrator
 * and asks for the first phase of its pipeline itself once every essay is provisioned.
 */
export interface RequestPhaseParams {
  batchId: string;
  phase: string;
  essays: { essay_id: string; text_storage_id: string }[];
  language: string;
  correlationId: string | null;
  /** True when the phase runs again for essays that failed it. */
  retry: boolean;
}

export interface AnnounceOutcomeParams {
  batchId: string;
  phase: string;
  status: 'completed_successfully' | 'completed_with_failures' | 'failed_critically';
  processed: { essay_id: string; text_storage_id: string }[];
  failed: string[];
  correlationId: string | null;
}

/** Essay id -> text storage id: built for the announcements only (once per phase). */
function textIds(context: BatchContext): Map<string, string> {
  return new Map(
    context.provisionedEssayIds.map((id, i) => [id, context.provisionedTextIds[i] ?? '']),
  );
}

/** An expected essay that has not concluded the current phase yet. */
function isNewResult(context: BatchContext, essayId: string): boolean {
  return (
    (context.expectedEssayIds?.includes(essayId) ?? false) &&
    !context.succeeded.includes(essayId) &&
    !context.failed.includes(essayId)
  );
}

function outcomeOf(context: BatchContext): AnnounceOutcomeParams {
  const expected = context.expectedEssayIds ?? [];
  const texts = textIds(context);
  const failedIds = new Set(context.failed);
  const succeededIds = new Set(context.succeeded);
  // In the registered order, whatever the order the results came in.
  const failed = expected.filter((id) => failedIds.has(id));
  const processed = expected
    .filter((id) => succeededIds.has(id))
    .map((id) => ({ essay_id: id, text_storage_id: texts.get(id) ?? '' }));
  const status =
    failed.length === 0
      ? 'completed_successfully'
      : processed.length === 0
        ? 'failed_critically'
        : 'completed_with_failures';
  return {
    batchId: context.batchId,
    phase: context.phase ?? 'spellcheck',
    status,
    processed,
    failed,
    correlationId: context.correlationId,
  };
}

function readyEssays(context: BatchContext): AnnounceReadyParams {
  const texts = textIds(context);
  return {
    batchId: context.batchId,
    essays: (context.expectedEssayIds ?? []).map((id) => ({
      essay_id: id,
      text_storage_id: texts.get(id) ?? '',
    })),
    correlationId: context.correlationId,
  };
}

// Effect actions run after the assigns before them, so their params see the updated context.
const READY = {
  type: 'announceReady',
  params: ({ context }: { context: BatchContext }) => readyEssays(context),
} as const;
/** The current phase again, for the essays that failed it (before `failed` is cleared). */
const RETRY_PHASE = {
  type: 'requestPhase',
  params: ({ context }: { context: BatchContext }): RequestPhaseParams => {
    const texts = textIds(context);
    return {
      batchId: context.batchId,
      phase: context.phase ?? context.pipeline[0] ?? 'spellcheck',
      essays: (context.expectedEssayIds ?? [])
        .filter((id) => context.failed.includes(id))
        .map((id) => ({ essay_id: id, text_storage_id: texts.get(id) ?? '' })),
      language: context.language,
      correlationId: context.correlationId,
      retry: true,
    };
  },
} as const;

/**
 * A teacher retries the failed essays: the phase is requested again for them alone; essays that
 * succeeded keep their result, and the outcome is announced again once the retried ones conclude.
 */
const RETRY = {
  target: BatchStatus.PROCESSING_PIPELINES,
  actions: [RETRY_PHASE, 'clearFailed'],
} as const;

const FIRST_PHASE = {
  type: 'requestPhase',
  params: ({ context }: { context: BatchContext }): RequestPhaseParams => ({
    batchId: context.batchId,
    phase: context.pipeline[0] ?? 'spellcheck',
    essays: readyEssays(context).essays,
    language: context.language,
    correlationId: context.correlationId,
    retry: false,
  }),
} as const;
const OUTCOME = {
  type: 'announceOutcome',
  params: ({ context }: { context: BatchContext }) => outcomeOf(context),
} as const;

/**
 * A batch of essays. It becomes ready when it is registered and every expected essay is
 * provisioned, whatever the arrival order (content may come first), and then requests the first
 * phase of its pipeline (the command comes back through the log as `PHASE_INITIATED`). During a phase it counts
 * each essay's result once and, when all have concluded, announces the phase outcome exactly
 * once by moving to a final state.
 */
export const batchMachine = setup({
  types: {
    input: {} as BatchInput,
    context: {} as BatchContext,
    events: {} as BatchEvent,
  },
  actions: {
    announceReady: (_, _params: AnnounceReadyParams) => recordOnly(),
    requestPhase: (_, _params: RequestPhaseParams) => recordOnly(),
    announceOutcome: (_, _params: AnnounceOutcomeParams) => recordOnly(),
    // Expected essays each once; content that came before for other essays is dropped.
    recordRegistration: assign(({ context, event }) => {
      if (event.type !== 'BATCH_REGISTERED') return {};
      const expected = [...new Set(event.essayIds)];
      const wanted = new Set(expected);
      const ids: string[] = [];
      const texts: string[] = [];
      context.provisionedEssayIds.forEach((id, i) => {
        if (!wanted.has(id)) return;
        ids.push(id);
        texts.push(context.provisionedTextIds[i] ?? '');
      });
      return {
        expectedEssayIds: expected,
        pipeline: [...event.pipeline],
        language: event.language,
        correlationId: event.correlationId,
        provisionedEssayIds: ids,
        provisionedTextIds: texts,
      };
    }),
    // Content provisioned again replaces the text.
    recordProvisioned: assign(({ context, event }) => {
      if (event.type !== 'ESSAY_PROVISIONED') return {};
      const at = context.provisionedEssayIds.indexOf(event.essayId);
      if (at < 0)
        return {
          provisionedEssayIds: [...context.provisionedEssayIds, event.essayId],
          provisionedTextIds: [...context.provisionedTextIds, event.textStorageId],
        };
      const texts = [...context.provisionedTextIds];
      texts[at] = event.textStorageId;
      return { provisionedTextIds: texts };
    }),
    clearFailed: assign({ failed: [] }),
    // Only after `newResultForExpectedEssay`: each essay once.
    recordResult: assign(({ context, event }) => {
      if (event.type !== 'ESSAY_PHASE_CONCLUDED') return {};
      return event.outcome === 'success'
        ? { succeeded: [...context.succeeded, event.essayId] }
        : { failed: [...context.failed, event.essayId] };
    }),
  },
  guards: {
    registrationCompletes: ({ context, event }) => {
      if (event.type !== 'BATCH_REGISTERED') return false;
      const provisioned = new Set(context.provisionedEssayIds);
      return event.essayIds.every((id) => provisioned.has(id));
    },
    // Once registered, only expected essays are recorded, each once: counting is enough.
    provisionCompletes: ({ context, event }) =>
      event.type === 'ESSAY_PROVISIONED' &&
      context.expectedEssayIds !== null &&
      context.expectedEssayIds.includes(event.essayId) &&
      !context.provisionedEssayIds.includes(event.essayId) &&
      context.provisionedEssayIds.length + 1 === context.expectedEssayIds.length,
    provisionExpected: ({ context, event }) =>
      event.type === 'ESSAY_PROVISIONED' &&
      (context.expectedEssayIds === null || context.expectedEssayIds.includes(event.essayId)),
    notRegisteredYet: ({ context }) => context.expectedEssayIds === null,
    newResultForExpectedEssay: ({ context, event }) =>
      event.type === 'ESSAY_PHASE_CONCLUDED' && isNewResult(context, event.essayId),
    lastResult: ({ context, event }) =>
      event.type === 'ESSAY_PHASE_CONCLUDED' &&
      isNewResult(context, event.essayId) &&
      context.succeeded.length + context.failed.length + 1 ===
        (context.expectedEssayIds?.length ?? 0),
    allSucceed: ({ context, event }) =>
      event.type === 'ESSAY_PHASE_CONCLUDED' &&
      event.outcome === 'success' &&
      context.failed.length === 0,
    allFail: ({ context, event }) =>
      event.type === 'ESSAY_PHASE_CONCLUDED' &&
      event.outcome === 'failed' &&
      context.succeeded.length === 0,
  },
}).createMachine({
  id: BATCH_MACHINE_ID,
  context: ({ input }) => ({
    batchId: input.batchId,
    expectedEssayIds: null,
    pipeline: ['spellcheck'],
    language: 'en',
    provisionedEssayIds: [],
    provisionedTextIds: [],
    phase: null,
    succeeded: [],
    failed: [],
    correlationId: null,
  }),
  initial: BatchStatus.AWAITING_CONTENT_VALIDATION,
  states: {
    [BatchStatus.AWAITING_CONTENT_VALIDATION]: {
      on: {
        BATCH_REGISTERED: [
          {
            guard: { type: 'registrationCompletes' },
            target: BatchStatus.READY_FOR_PIPELINE_EXECUTION,
            actions: ['recordRegistration', READY, FIRST_PHASE],
          },
          { guard: 'notRegisteredYet', actions: 'recordRegistration' },
        ],
        ESSAY_PROVISIONED: [
          {
            guard: 'provisionCompletes',
            target: BatchStatus.READY_FOR_PIPELINE_EXECUTION,
            actions: ['recordProvisioned', READY, FIRST_PHASE],
          },
          { guard: 'provisionExpected', actions: 'recordProvisioned' },
        ],
        CANCEL_REQUESTED: BatchStatus.CANCELLED,
      },
    },
    [BatchStatus.READY_FOR_PIPELINE_EXECUTION]: {
      on: {
        PHASE_INITIATED: {
          target: BatchStatus.PROCESSING_PIPELINES,
          actions: assign({
            phase: ({ event }) => event.phase,
            correlationId: ({ context, event }) => event.correlationId ?? context.correlationId,
            succeeded: [],
            failed: [],
          }),
        },
        CANCEL_REQUESTED: BatchStatus.CANCELLED,
      },
    },
    [BatchStatus.PROCESSING_PIPELINES]: {
      on: {
        ESSAY_PHASE_CONCLUDED: [
          {
            guard: and(['lastResult', 'allSucceed']),
            target: BatchStatus.COMPLETED_SUCCESSFULLY,
            actions: ['recordResult', OUTCOME],
          },
          {
            guard: and(['lastResult', 'allFail']),
            target: BatchStatus.FAILED_CRITICALLY,
            actions: ['recordResult', OUTCOME],
          },
          {
            guard: 'lastResult',
            target: BatchStatus.COMPLETED_WITH_FAILURES,
            actions: ['recordResult', OUTCOME],
          },
          { guard: 'newResultForExpectedEssay', actions: 'recordResult' },
        ],
        CANCEL_REQUESTED: BatchStatus.CANCELLED,
      },
    },
    [BatchStatus.COMPLETED_SUCCESSFULLY]: { type: 'final' },
    // Not final: the failed essays can be retried.
    [BatchStatus.COMPLETED_WITH_FAILURES]: { on: { RETRY_REQUESTED: RETRY } },
    [BatchStatus.FAILED_CRITICALLY]: { on: { RETRY_REQUESTED: RETRY } },
    [BatchStatus.CANCELLED]: { type: 'final' },
  },
});
