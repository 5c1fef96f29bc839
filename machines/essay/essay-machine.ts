import { assign, setup } from 'xstate';
import { EssayStatus } from '../../common-core/index.ts';
import { type CancelTimerParams, recordOnly, type ScheduleTimerParams } from '../effects.ts';

/** Machine id and version; bump the version (and add a migration) when a state is renamed or removed. */
export const ESSAY_MACHINE_ID = 'essay';
export const ESSAY_MACHINE_VERSION = 1;

export interface EssayInput {
  essayId: string;
  textStorageId: string;
  batchId?: string | null;
  /** Phases the essay goes through, in order. Phase 1.2 knows `spellcheck`. */
  pipeline?: readonly string[];
  maxAttempts?: number;
  resultTimeoutMs?: number;
}

export interface EssayContext {
  essayId: string;
  batchId: string | null;
  textStorageId: string;
  pipeline: readonly string[];
  language: string;
  correlationId: string | null;
  /** Requests sent for the current phase. */
  attempts: number;
  maxAttempts: number;
  resultTimeoutMs: number;
  correctedTextStorageId: string | null;
  correctionsMade: number | null;
  error: { code: string; message: string } | null;
}

export type EssayEvent =
  | { type: 'CONTENT_PROVISIONED'; textStorageId: string; batchId: string | null }
  | { type: 'SPELLCHECK_INITIATED'; language: string; correlationId: string | null }
  /** A teacher's retry of the batch's failed essays: restarts an essay that failed its phase. */
  | { type: 'SPELLCHECK_RETRY'; language: string; correlationId: string | null }
  | { type: 'DISPATCH_SPELLCHECK' }
  | { type: 'SPELLCHECK_TIMEOUT'; attempt: number }
  | { type: 'SPELLCHECK_SUCCEEDED'; correctedTextStorageId: string; correctionsMade: number }
  | { type: 'SPELLCHECK_FAILED'; code: string; message: string }
  | { type: 'PIPELINE_CONCLUDED' }
  | { type: 'CRITICAL_FAILURE'; reason: string };

/** Ask the spell checker to check the essay (the runtime writes the request to the outbox). */
export interface RequestSpellcheckParams {
  essayId: string;
  batchId: string | null;
  textStorageId: string;
  language: string;
  correlationId: string | null;
  attempt: number;
}

/** The request for the current attempt (assigned before this runs). */
function requestOf(context: EssayContext): RequestSpellcheckParams {
  return {
    essayId: context.essayId,
    batchId: context.batchId,
    textStorageId: context.textStorageId,
    language: context.language,
    correlationId: context.correlationId,
    attempt: context.attempts,
  };
}

const TIMEOUT_TIMER = 'spellcheck-result-timeout';

/** The result timeout of the current attempt (assigned before this runs). */
function resultTimeoutOf(context: EssayContext): ScheduleTimerParams {
  return {
    key: TIMEOUT_TIMER,
    delayMs: context.resultTimeoutMs,
    event: { type: 'SPELLCHECK_TIMEOUT', attempt: context.attempts },
  };
}
const DISPATCH_TIMER = 'spellcheck-dispatch';

/**
 * Start (or, after a failure, restart) the spellcheck phase: a fresh count of attempts, the
 * request dispatched by a zero-delay durable timer.
 */
const INITIATE = {
  target: `#${ESSAY_MACHINE_ID}.${EssayStatus.AWAITING_SPELLCHECK}`,
  actions: [
    'startPhase',
    {
      type: 'scheduleTimer',
      params: { key: DISPATCH_TIMER, delayMs: 0, event: { type: 'DISPATCH_SPELLCHECK' } },
    },
  ],
} as const;

/**
 * Any state that is not final can fail critically (e.g. the text is gone for good). Declared per
 * state, not on the root: a root handler would also fire in final states.
 */
const CRITICAL = {
  target: `#${ESSAY_MACHINE_ID}.${EssayStatus.ESSAY_CRITICAL_FAILURE}`,
  actions: [
    'recordCriticalFailure',
    { type: 'cancelTimer', params: { key: TIMEOUT_TIMER } },
    { type: 'cancelTimer', params: { key: DISPATCH_TIMER } },
  ],
} as const;

/**
 * One essay's lifecycle. State names are `EssayStatus` values. Requests are dispatched by a
 * zero-delay durable timer (awaiting -> in progress), so dispatch survives a crash; a result
 * that does not come within `resultTimeoutMs` re-sends the request, up to `maxAttempts`,
 * then fails the phase. Stale timers (an older attempt) are ignored by guard.
 */
export const essayMachine = setup({
  types: {
    input: {} as EssayInput,
    context: {} as EssayContext,
    events: {} as EssayEvent,
  },
  actions: {
    requestSpellcheck: (_, _params: RequestSpellcheckParams) => recordOnly(),
    scheduleTimer: (_, _params: ScheduleTimerParams) => recordOnly(),
    cancelTimer: (_, _params: CancelTimerParams) => recordOnly(),
    startPhase: assign(({ event }) =>
      event.type === 'SPELLCHECK_INITIATED' || event.type === 'SPELLCHECK_RETRY'
        ? { language: event.language, correlationId: event.correlationId, attempts: 0, error: null }
        : {},
    ),
    recordCriticalFailure: assign({
      error: ({ event }) => ({
        code: 'HULEEDU_CRITICAL_FAILURE',
        message: event.type === 'CRITICAL_FAILURE' ? event.reason : 'critical failure',
      }),
    }),
  },
  guards: {
    currentAttemptTimedOut: ({ context, event }) =>
      event.type === 'SPELLCHECK_TIMEOUT' &&
      event.attempt === context.attempts &&
      context.attempts < context.maxAttempts,
    lastAttemptTimedOut: ({ context, event }) =>
      event.type === 'SPELLCHECK_TIMEOUT' &&
      event.attempt === context.attempts &&
      context.attempts >= context.maxAttempts,
  },
}).createMachine({
  id: ESSAY_MACHINE_ID,
  context: ({ input }) => ({
    essayId: input.essayId,
    batchId: input.batchId ?? null,
    textStorageId: input.textStorageId,
    pipeline: input.pipeline ?? ['spellcheck'],
    language: 'en',
    correlationId: null,
    attempts: 0,
    maxAttempts: input.maxAttempts ?? 3,
    resultTimeoutMs: input.resultTimeoutMs ?? 5 * 60_000,
    correctedTextStorageId: null,
    correctionsMade: null,
    error: null,
  }),
  initial: EssayStatus.READY_FOR_PROCESSING,
  states: {
    [EssayStatus.READY_FOR_PROCESSING]: {
      on: {
        CRITICAL_FAILURE: CRITICAL,
        // Re-provisioning before processing starts replaces the text.
        CONTENT_PROVISIONED: {
          actions: assign({
            textStorageId: ({ event }) => event.textStorageId,
            batchId: ({ context, event }) => event.batchId ?? context.batchId,
          }),
        },
        SPELLCHECK_INITIATED: INITIATE,
      },
    },
    [EssayStatus.AWAITING_SPELLCHECK]: {
      on: {
        CRITICAL_FAILURE: CRITICAL,
        DISPATCH_SPELLCHECK: {
          target: EssayStatus.SPELLCHECKING_IN_PROGRESS,
          actions: [
            assign({ attempts: 1 }),
            {
              type: 'requestSpellcheck',
              params: ({ context }) => requestOf(context),
            },
            {
              type: 'scheduleTimer',
              params: ({ context }) => resultTimeoutOf(context),
            },
          ],
        },
      },
    },
    [EssayStatus.SPELLCHECKING_IN_PROGRESS]: {
      on: {
        CRITICAL_FAILURE: CRITICAL,
        SPELLCHECK_SUCCEEDED: {
          target: EssayStatus.SPELLCHECKED_SUCCESS,
          actions: [
            assign({
              correctedTextStorageId: ({ event }) => event.correctedTextStorageId,
              correctionsMade: ({ event }) => event.correctionsMade,
            }),
            { type: 'cancelTimer', params: { key: TIMEOUT_TIMER } },
          ],
        },
        SPELLCHECK_FAILED: {
          target: EssayStatus.SPELLCHECK_FAILED,
          actions: [
            assign({ error: ({ event }) => ({ code: event.code, message: event.message }) }),
            { type: 'cancelTimer', params: { key: TIMEOUT_TIMER } },
          ],
        },
        SPELLCHECK_TIMEOUT: [
          {
            guard: 'currentAttemptTimedOut',
            // Re-entering resends: the same state, one more attempt.
            target: EssayStatus.SPELLCHECKING_IN_PROGRESS,
            reenter: false,
            actions: [
              assign({ attempts: ({ context }) => context.attempts + 1 }),
              {
                type: 'requestSpellcheck',
                params: ({ context }) => requestOf(context),
              },
              {
                type: 'scheduleTimer',
                params: ({ context }) => resultTimeoutOf(context),
              },
            ],
          },
          {
            guard: 'lastAttemptTimedOut',
            target: EssayStatus.SPELLCHECK_FAILED,
            actions: assign({
              error: ({ context }) => ({
                code: 'HULEEDU_RESULT_TIMEOUT',
                message: `no spellcheck result after ${context.attempts} attempts`,
              }),
            }),
          },
        ],
      },
    },
    [EssayStatus.SPELLCHECKED_SUCCESS]: {
      on: {
        PIPELINE_CONCLUDED: EssayStatus.ESSAY_ALL_PROCESSING_COMPLETED,
        CRITICAL_FAILURE: CRITICAL,
      },
    },
    [EssayStatus.SPELLCHECK_FAILED]: {
      on: {
        PIPELINE_CONCLUDED: EssayStatus.ESSAY_PARTIALLY_PROCESSED_WITH_FAILURES,
        CRITICAL_FAILURE: CRITICAL,
        // A retry that overtook the outcome of the failed round.
        SPELLCHECK_RETRY: INITIATE,
      },
    },
    [EssayStatus.ESSAY_ALL_PROCESSING_COMPLETED]: { type: 'final' },
    // Not final: a teacher's retry of the batch's failed essays restarts the phase.
    [EssayStatus.ESSAY_PARTIALLY_PROCESSED_WITH_FAILURES]: {
      on: { SPELLCHECK_RETRY: INITIATE },
    },
    [EssayStatus.ESSAY_CRITICAL_FAILURE]: { type: 'final' },
  },
});
