import { and, assign, setup } from 'xstate';
import { BatchStatus } from '../../common-core/index.ts';
import { recordOnly } from '../effects.ts';

export const BATCH_MACHINE_ID = 'batch';
export const BATCH_MACHINE_VERSION = 1;

export interface BatchInput {
  batchId: string;
}

export interface BatchContext {
  batchId: string;
  /** Known once the batch is registered; content may arrive before that. */
  expectedEssayIds: string[] | null;
  pipeline: string[];
  language: string;
  /** essay id -> text storage id, in any arrival order. */
  provisioned: Record<string, string>;
  phase: string | null;
  /** essay id -> how the current phase ended for it. */
  results: Record<string, 'success' | 'failed'>;
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
  | { type: 'CANCEL_REQUESTED'; reason: string };

export interface AnnounceReadyParams {
  batchId: string;
  essays: { essay_id: string; text_storage_id: string }[];
  correlationId: string | null;
}

export interface AnnounceOutcomeParams {
  batchId: string;
  phase: string;
  status: 'completed_successfully' | 'completed_with_failures' | 'failed_critically';
  processed: { essay_id: string; text_storage_id: string }[];
  failed: string[];
  correlationId: string | null;
}

function allProvisioned(
  expected: readonly string[] | null,
  provisioned: Record<string, string>,
): boolean {
  return expected?.every((id) => id in provisioned) ?? false;
}

function concludedAll(context: BatchContext, extra: string): boolean {
  const expected = context.expectedEssayIds ?? [];
  return expected.every((id) => id === extra || id in context.results);
}

function outcomeOf(context: BatchContext): AnnounceOutcomeParams {
  const expected = context.expectedEssayIds ?? [];
  const failed = expected.filter((id) => context.results[id] === 'failed');
  const processed = expected
    .filter((id) => context.results[id] === 'success')
    .map((id) => ({ essay_id: id, text_storage_id: context.provisioned[id] ?? '' }));
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
  return {
    batchId: context.batchId,
    essays: (context.expectedEssayIds ?? []).map((id) => ({
      essay_id: id,
      text_storage_id: context.provisioned[id] ?? '',
    })),
    correlationId: context.correlationId,
  };
}

// Effect actions run after the assigns before them, so their params see the updated context.
const READY = {
  type: 'announceReady',
  params: ({ context }: { context: BatchContext }) => readyEssays(context),
} as const;
const OUTCOME = {
  type: 'announceOutcome',
  params: ({ context }: { context: BatchContext }) => outcomeOf(context),
} as const;

/**
 * A batch of essays. It becomes ready when it is registered and every expected essay is
 * provisioned, whatever the arrival order (content may come first). During a phase it counts
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
    announceOutcome: (_, _params: AnnounceOutcomeParams) => recordOnly(),
    recordRegistration: assign(({ event }) =>
      event.type === 'BATCH_REGISTERED'
        ? {
            expectedEssayIds: [...event.essayIds],
            pipeline: [...event.pipeline],
            language: event.language,
            correlationId: event.correlationId,
          }
        : {},
    ),
    recordProvisioned: assign({
      provisioned: ({ context, event }) =>
        event.type === 'ESSAY_PROVISIONED'
          ? { ...context.provisioned, [event.essayId]: event.textStorageId }
          : context.provisioned,
    }),
    recordResult: assign({
      results: ({ context, event }) =>
        event.type === 'ESSAY_PHASE_CONCLUDED'
          ? { ...context.results, [event.essayId]: event.outcome }
          : context.results,
    }),
  },
  guards: {
    registrationCompletes: ({ context, event }) =>
      event.type === 'BATCH_REGISTERED' && allProvisioned(event.essayIds, context.provisioned),
    provisionCompletes: ({ context, event }) =>
      event.type === 'ESSAY_PROVISIONED' &&
      (context.expectedEssayIds?.includes(event.essayId) ?? false) &&
      allProvisioned(context.expectedEssayIds, {
        ...context.provisioned,
        [event.essayId]: event.textStorageId,
      }),
    provisionExpected: ({ context, event }) =>
      event.type === 'ESSAY_PROVISIONED' &&
      (context.expectedEssayIds === null || context.expectedEssayIds.includes(event.essayId)),
    notRegisteredYet: ({ context }) => context.expectedEssayIds === null,
    newResultForExpectedEssay: ({ context, event }) =>
      event.type === 'ESSAY_PHASE_CONCLUDED' &&
      (context.expectedEssayIds?.includes(event.essayId) ?? false) &&
      !(event.essayId in context.results),
    lastResult: ({ context, event }) =>
      event.type === 'ESSAY_PHASE_CONCLUDED' &&
      (context.expectedEssayIds?.includes(event.essayId) ?? false) &&
      !(event.essayId in context.results) &&
      concludedAll(context, event.essayId),
    allSucceed: ({ context, event }) =>
      event.type === 'ESSAY_PHASE_CONCLUDED' &&
      event.outcome === 'success' &&
      Object.values(context.results).every((r) => r === 'success'),
    allFail: ({ context, event }) =>
      event.type === 'ESSAY_PHASE_CONCLUDED' &&
      event.outcome === 'failed' &&
      Object.values(context.results).every((r) => r === 'failed'),
  },
}).createMachine({
  id: BATCH_MACHINE_ID,
  context: ({ input }) => ({
    batchId: input.batchId,
    expectedEssayIds: null,
    pipeline: ['spellcheck'],
    language: 'en',
    provisioned: {},
    phase: null,
    results: {},
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
            actions: ['recordRegistration', READY],
          },
          { guard: 'notRegisteredYet', actions: 'recordRegistration' },
        ],
        ESSAY_PROVISIONED: [
          {
            guard: 'provisionCompletes',
            target: BatchStatus.READY_FOR_PIPELINE_EXECUTION,
            actions: ['recordProvisioned', READY],
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
            results: {},
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
    [BatchStatus.COMPLETED_WITH_FAILURES]: { type: 'final' },
    [BatchStatus.FAILED_CRITICALLY]: { type: 'final' },
    [BatchStatus.CANCELLED]: { type: 'final' },
  },
});
