import { and, assign, setup } from 'xstate';
import { BatchStatus } from '../../common-core/index.ts';
import { recordOnly } from '../effects.ts';

export const BATCH_MACHINE_ID = 'batch';
/**
 * 2: per-essay maps became arrays (see `BatchContext`); `migrateBatchV1` upgrades version 1.
 * 3: the pipeline runs phase after phase (`phaseEssayIds`, `droppedIds`/`droppedAt`);
 * `migrateBatchV2` upgrades version 2.
 */
export const BATCH_MACHINE_VERSION = 3;

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
  /** The phase running (or last run). */
  phase: string | null;
  /** The essays taking part in the current phase. */
  phaseEssayIds: string[];
  /** Essays of the current phase that concluded it, by outcome, each once. */
  succeeded: string[];
  failed: string[];
  /**
   * Essays that failed a phase and left the pipeline there, with that phase at the same
   * positions: a teacher's retry takes them up again from the phase they failed.
   */
  droppedIds: string[];
  droppedAt: string[];
  /** True from a teacher's retry until the batch concludes again. */
  retryRound: boolean;
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
  | { type: 'ESSAY_PHASE_CONCLUDED'; essayId: string; phase: string; outcome: 'success' | 'failed' }
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
  /** True when essays that failed the phase (or an earlier one) take part again. */
  retry: boolean;
  /** The whole pipeline, so that essays know their last phase. */
  pipeline: string[];
}

export interface AnnounceOutcomeParams {
  batchId: string;
  phase: string;
  status: 'completed_successfully' | 'completed_with_failures' | 'failed_critically';
  processed: { essay_id: string; text_storage_id: string }[];
  failed: string[];
  /** The phase the processed essays go on to; null when the pipeline is over. */
  nextPhase: string | null;
  correlationId: string | null;
}

/** Essay id -> text storage id: built for the announcements only (once per phase). */
function textIds(context: BatchContext): Map<string, string> {
  return new Map(
    context.provisionedEssayIds.map((id, i) => [id, context.provisionedTextIds[i] ?? '']),
  );
}

/** An essay of the current phase that has not concluded it yet. */
function isNewResult(context: BatchContext, event: BatchEvent): boolean {
  return (
    event.type === 'ESSAY_PHASE_CONCLUDED' &&
    event.phase === context.phase &&
    context.phaseEssayIds.includes(event.essayId) &&
    !context.succeeded.includes(event.essayId) &&
    !context.failed.includes(event.essayId)
  );
}

/** The phase after the current one in the pipeline, or null after the last. */
function nextPhase(context: BatchContext): string | null {
  const at = context.phase === null ? -1 : context.pipeline.indexOf(context.phase);
  return at < 0 ? null : (context.pipeline[at + 1] ?? null);
}

/** The dropped essays with the current phase's failed ones added (they leave the pipeline there). */
function withFailedDropped(context: BatchContext): Pick<BatchContext, 'droppedIds' | 'droppedAt'> {
  return {
    droppedIds: [...context.droppedIds, ...context.failed],
    droppedAt: [...context.droppedAt, ...context.failed.map(() => context.phase ?? '')],
  };
}

/**
 * The batch entering `phase`: it takes the essays that passed the phase before and those
 * dropped at this one (retried), in the registered order; the retried leave the dropped list.
 */
function entering(
  context: BatchContext,
  phase: string,
  passed: readonly string[],
  dropped: Pick<BatchContext, 'droppedIds' | 'droppedAt'>,
): Partial<BatchContext> {
  const retried = new Set(dropped.droppedIds.filter((_, i) => dropped.droppedAt[i] === phase));
  const kept = dropped.droppedIds.flatMap((id, i) => (retried.has(id) ? [] : [i]));
  return {
    phase,
    phaseEssayIds: (context.expectedEssayIds ?? []).filter(
      (id) => passed.includes(id) || retried.has(id),
    ),
    succeeded: [],
    failed: [],
    droppedIds: kept.map((i) => dropped.droppedIds[i] ?? ''),
    droppedAt: kept.map((i) => dropped.droppedAt[i] ?? ''),
  };
}

/** The request for `phase` for the given essays. */
function phaseRequest(
  context: BatchContext,
  phase: string,
  essayIds: readonly string[],
  retry: boolean,
): RequestPhaseParams {
  const texts = textIds(context);
  return {
    batchId: context.batchId,
    phase,
    essays: essayIds.map((id) => ({ essay_id: id, text_storage_id: texts.get(id) ?? '' })),
    language: context.language,
    correlationId: context.correlationId,
    retry,
    pipeline: context.pipeline,
  };
}

function outcomeOf(context: BatchContext, nextPhase: string | null): AnnounceOutcomeParams {
  const expected = context.phaseEssayIds;
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
    phase: context.phase ?? context.pipeline[0] ?? '',
    status,
    processed,
    failed,
    nextPhase,
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
/** The current phase for the essays taking part (after `advancePhase` or `startRetry`). */
const CURRENT_PHASE = {
  type: 'requestPhase',
  params: ({ context }: { context: BatchContext }): RequestPhaseParams =>
    phaseRequest(
      context,
      context.phase ?? '',
      context.phaseEssayIds,
      // Only a retry restarts essays that failed a phase (an essay that passed the phase
      // before takes the next one either way).
      context.retryRound,
    ),
} as const;

/**
 * A teacher retries the failed essays: each takes up the pipeline again from the phase it
 * failed, beginning with the earliest; essays that completed keep their results. Each phase's
 * outcome is announced again for the essays that took part.
 */
const RETRY = {
  target: BatchStatus.PROCESSING_PIPELINES,
  actions: ['startRetry', CURRENT_PHASE],
} as const;

const FIRST_PHASE = {
  type: 'requestPhase',
  params: ({ context }: { context: BatchContext }): RequestPhaseParams =>
    phaseRequest(context, context.pipeline[0] ?? '', context.expectedEssayIds ?? [], false),
} as const;
/** The phase's outcome when the batch concludes with it. */
const OUTCOME = {
  type: 'announceOutcome',
  params: ({ context }: { context: BatchContext }) => outcomeOf(context, null),
} as const;
/** The phase's outcome when the essays that passed go on to the next phase. */
const OUTCOME_THEN_NEXT = {
  type: 'announceOutcome',
  params: ({ context }: { context: BatchContext }) => outcomeOf(context, nextPhase(context)),
} as const;

/**
 * A batch of essays. It becomes ready when it is registered and every expected essay is
 * provisioned, whatever the arrival order (content may come first), and then requests the first
 * phase of its pipeline (the command comes back through the log as `PHASE_INITIATED`). During a
 * phase it counts each essay's result once and, when all have concluded, announces the phase's
 * outcome exactly once; then it requests the next phase for the essays that passed, or, after
 * the last (or when none passed), concludes in a final state. An essay that fails a phase leaves
 * the pipeline there until a teacher retries it.
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
    // The essays that passed the phase go on to the next, with those retried from it.
    advancePhase: assign(({ context }) =>
      entering(context, nextPhase(context) ?? '', context.succeeded, withFailedDropped(context)),
    ),
    // The batch concludes: the phase's failed essays leave the pipeline there.
    concludePipeline: assign(({ context }) => ({
      ...withFailedDropped(context),
      failed: [],
      retryRound: false,
    })),
    // A retry starts at the earliest phase an essay failed, with the essays that failed it.
    startRetry: assign(({ context }) => {
      const phase =
        context.pipeline.find((p) => context.droppedAt.includes(p)) ?? context.droppedAt[0] ?? '';
      return { ...entering(context, phase, [], context), retryRound: true };
    }),
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
    newResultForExpectedEssay: ({ context, event }) => isNewResult(context, event),
    lastResult: ({ context, event }) =>
      isNewResult(context, event) &&
      context.succeeded.length + context.failed.length + 1 === context.phaseEssayIds.length,
    // A later phase has essays to take: those that passed this one, or retried from it.
    nextPhaseHasEssays: ({ context, event }) => {
      const next = nextPhase(context);
      if (next === null || event.type !== 'ESSAY_PHASE_CONCLUDED') return false;
      return (
        context.succeeded.length > 0 ||
        event.outcome === 'success' ||
        context.droppedAt.includes(next)
      );
    },
    // Every essay completed the pipeline: none failed this phase, none left it before.
    allSucceed: ({ context, event }) =>
      event.type === 'ESSAY_PHASE_CONCLUDED' &&
      event.outcome === 'success' &&
      context.failed.length === 0 &&
      context.droppedIds.length === 0,
    // No essay completed the pipeline: every expected essay failed some phase.
    allFail: ({ context, event }) =>
      event.type === 'ESSAY_PHASE_CONCLUDED' &&
      context.droppedIds.length + context.failed.length + (event.outcome === 'failed' ? 1 : 0) ===
        (context.expectedEssayIds?.length ?? 0),
  },
}).createMachine({
  id: BATCH_MACHINE_ID,
  context: ({ input }) => ({
    batchId: input.batchId,
    expectedEssayIds: null,
    pipeline: [],
    language: 'en',
    provisionedEssayIds: [],
    provisionedTextIds: [],
    phase: null,
    phaseEssayIds: [],
    succeeded: [],
    failed: [],
    droppedIds: [],
    droppedAt: [],
    retryRound: false,
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
            phaseEssayIds: ({ context }) => context.expectedEssayIds ?? [],
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
            // The phase is over and the pipeline goes on: its outcome, then the next phase.
            guard: and(['lastResult', 'nextPhaseHasEssays']),
            actions: ['recordResult', OUTCOME_THEN_NEXT, 'advancePhase', CURRENT_PHASE],
          },
          {
            guard: and(['lastResult', 'allSucceed']),
            target: BatchStatus.COMPLETED_SUCCESSFULLY,
            actions: ['recordResult', OUTCOME, 'concludePipeline'],
          },
          {
            guard: and(['lastResult', 'allFail']),
            target: BatchStatus.FAILED_CRITICALLY,
            actions: ['recordResult', OUTCOME, 'concludePipeline'],
          },
          {
            guard: 'lastResult',
            target: BatchStatus.COMPLETED_WITH_FAILURES,
            actions: ['recordResult', OUTCOME, 'concludePipeline'],
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
