import { assign, setup } from 'xstate';
import { EssayStatus } from '../../common-core/index.ts';
import type { PhaseRequest, PhaseResult } from '../../phases/phase-module.ts';
import { type CancelTimerParams, recordOnly, type ScheduleTimerParams } from '../effects.ts';

/** Machine id and version; bump the version (and add a migration) when a state is renamed or removed. */
export const ESSAY_MACHINE_ID = 'essay';
/** 2: generic over phases (`phase`, `results` by phase; events name their phase). */
export const ESSAY_MACHINE_VERSION = 2;

/** A phase as the essay machine sees it: its name and its four states (`EssayStatus` values). */
export interface EssayPhase {
  name: string;
  statuses: { awaiting: string; inProgress: string; success: string; failed: string };
}

/** What a phase left on the essay (the phase's worker decides what). */
export type EssayPhaseResult = PhaseResult;

export interface EssayInput {
  essayId: string;
  textStorageId: string;
  batchId?: string | null;
  maxAttempts?: number;
  resultTimeoutMs?: number;
}

export interface EssayContext {
  essayId: string;
  batchId: string | null;
  textStorageId: string;
  /** The batch's phases in order (from the initiate command): the last one concludes the essay. */
  pipeline: readonly string[];
  language: string;
  correlationId: string | null;
  /** The phase the essay is in (or last was in); null before the first. */
  phase: string | null;
  /** Requests sent for the current phase. */
  attempts: number;
  maxAttempts: number;
  resultTimeoutMs: number;
  /** Each succeeded phase's result, by phase name. */
  results: Readonly<Record<string, EssayPhaseResult>>;
  error: { code: string; message: string } | null;
}

export type EssayEvent =
  | { type: 'CONTENT_PROVISIONED'; textStorageId: string; batchId: string | null }
  /**
   * The batch starts a phase for the essay. `retry`: a teacher's retry, the only thing that
   * restarts an essay that failed a phase.
   */
  | {
      type: 'PHASE_INITIATED';
      phase: string;
      language: string;
      correlationId: string | null;
      pipeline: readonly string[];
      retry: boolean;
    }
  | { type: 'DISPATCH_PHASE'; phase: string }
  | { type: 'PHASE_TIMEOUT'; phase: string; attempt: number }
  | { type: 'PHASE_SUCCEEDED'; phase: string; result: EssayPhaseResult }
  | { type: 'PHASE_FAILED'; phase: string; code: string; message: string }
  /** The batch announced the outcome of a phase for this essay. */
  | { type: 'PHASE_CONCLUDED'; phase: string }
  | { type: 'CRITICAL_FAILURE'; reason: string };

/** Ask the phase's worker to process the essay (the runtime writes the request to the outbox). */
export type RequestPhaseWorkParams = PhaseRequest;

/** The request for the current attempt (assigned before this runs). */
function requestOf(context: EssayContext): RequestPhaseWorkParams {
  return {
    phase: context.phase ?? '',
    essayId: context.essayId,
    batchId: context.batchId,
    textStorageId: context.textStorageId,
    language: context.language,
    correlationId: context.correlationId,
    attempt: context.attempts,
    results: context.results,
  };
}

/** Timer keys of a phase (spellcheck's are the keys version 1 armed). */
const timeoutTimer = (phase: string) => `${phase}-result-timeout`;
const dispatchTimer = (phase: string) => `${phase}-dispatch`;

/** The result timeout of the current attempt (assigned before this runs). */
function resultTimeoutOf(context: EssayContext): ScheduleTimerParams {
  const phase = context.phase ?? '';
  return {
    key: timeoutTimer(phase),
    delayMs: context.resultTimeoutMs,
    event: { type: 'PHASE_TIMEOUT', phase, attempt: context.attempts },
  };
}

const isLast = (pipeline: readonly string[], phase: string): boolean => {
  const at = pipeline.indexOf(phase);
  return at < 0 || at === pipeline.length - 1;
};

/**
 * One essay's lifecycle, generic over the phases it is built with: per phase an awaiting, an in
 * progress, a success and a failed state (named by `EssayStatus` values, as they travel), then
 * the three concluded states. Requests are dispatched by a zero-delay durable timer (awaiting ->
 * in progress), so dispatch survives a crash; a result that does not come within
 * `resultTimeoutMs` re-sends the request, up to `maxAttempts`, then fails the phase. Stale
 * timers (an older attempt, another phase) are ignored by guard. After a phase succeeds the
 * batch starts the next one; the outcome of the pipeline's last phase concludes the essay.
 */
export function createEssayMachine(phases: readonly EssayPhase[]) {
  if (phases.length === 0) throw new Error('the essay machine needs at least one phase');
  const id = (state: string) => `#${ESSAY_MACHINE_ID}.${state}`;

  /** Start (or, after a failure, restart) `phase`: a fresh count, the dispatch timer armed. */
  const initiate = (phase: EssayPhase, guard: 'initiates' | 'retries') => ({
    guard: { type: guard, params: { phase: phase.name } },
    target: id(phase.statuses.awaiting),
    actions: [
      'startPhase',
      {
        type: 'scheduleTimer',
        params: {
          key: dispatchTimer(phase.name),
          delayMs: 0,
          event: { type: 'DISPATCH_PHASE', phase: phase.name },
        },
      },
    ],
  });
  /**
   * Any state that is not final can fail critically (e.g. the text is gone for good). Declared
   * per state, not on the root: a root handler would also fire in final states.
   */
  const critical = (phase: EssayPhase | null) => ({
    target: id(EssayStatus.ESSAY_CRITICAL_FAILURE),
    actions: [
      'recordCriticalFailure',
      ...(phase
        ? [
            { type: 'cancelTimer', params: { key: timeoutTimer(phase.name) } },
            { type: 'cancelTimer', params: { key: dispatchTimer(phase.name) } },
          ]
        : []),
    ],
  });
  const ofPhase = (phase: EssayPhase) => ({ type: 'ofPhase', params: { phase: phase.name } });
  const nextAttempt = assign({
    attempts: ({ context }: { context: EssayContext }) => context.attempts + 1,
  });

  const phaseStates = Object.fromEntries(
    phases.flatMap((p) => [
      [
        p.statuses.awaiting,
        {
          on: {
            CRITICAL_FAILURE: critical(p),
            DISPATCH_PHASE: {
              guard: ofPhase(p),
              target: p.statuses.inProgress,
              actions: [
                assign({ attempts: 1 }),
                {
                  type: 'requestPhaseWork',
                  params: ({ context }: { context: EssayContext }) => requestOf(context),
                },
                {
                  type: 'scheduleTimer',
                  params: ({ context }: { context: EssayContext }) => resultTimeoutOf(context),
                },
              ],
            },
          },
        },
      ],
      [
        p.statuses.inProgress,
        {
          on: {
            CRITICAL_FAILURE: critical(p),
            PHASE_SUCCEEDED: {
              guard: ofPhase(p),
              target: p.statuses.success,
              actions: [
                'recordResult',
                { type: 'cancelTimer', params: { key: timeoutTimer(p.name) } },
              ],
            },
            PHASE_FAILED: {
              guard: ofPhase(p),
              target: p.statuses.failed,
              actions: [
                'recordFailure',
                { type: 'cancelTimer', params: { key: timeoutTimer(p.name) } },
              ],
            },
            PHASE_TIMEOUT: [
              {
                guard: 'currentAttemptTimedOut',
                // The same state, one more attempt: the request is sent again.
                target: p.statuses.inProgress,
                reenter: false,
                actions: [
                  nextAttempt,
                  {
                    type: 'requestPhaseWork',
                    params: ({ context }: { context: EssayContext }) => requestOf(context),
                  },
                  {
                    type: 'scheduleTimer',
                    params: ({ context }: { context: EssayContext }) => resultTimeoutOf(context),
                  },
                ],
              },
              { guard: 'lastAttemptTimedOut', target: p.statuses.failed, actions: 'recordTimeout' },
            ],
          },
        },
      ],
      [
        p.statuses.success,
        {
          on: {
            CRITICAL_FAILURE: critical(null),
            PHASE_CONCLUDED: {
              guard: 'concludesPipeline',
              target: EssayStatus.ESSAY_ALL_PROCESSING_COMPLETED,
            },
            // The next phase (its command may overtake this phase's outcome).
            PHASE_INITIATED: phases.filter((q) => q !== p).map((q) => initiate(q, 'initiates')),
          },
        },
      ],
      [
        p.statuses.failed,
        {
          on: {
            CRITICAL_FAILURE: critical(null),
            PHASE_CONCLUDED: {
              guard: 'concludesPhase',
              target: EssayStatus.ESSAY_PARTIALLY_PROCESSED_WITH_FAILURES,
            },
            // A retry that overtook the outcome of the failed round.
            PHASE_INITIATED: phases.map((q) => initiate(q, 'retries')),
          },
        },
      ],
    ]),
  );

  return setup({
    types: {
      input: {} as EssayInput,
      context: {} as EssayContext,
      events: {} as EssayEvent,
    },
    actions: {
      requestPhaseWork: (_, _params: RequestPhaseWorkParams) => recordOnly(),
      scheduleTimer: (_, _params: ScheduleTimerParams) => recordOnly(),
      cancelTimer: (_, _params: CancelTimerParams) => recordOnly(),
      startPhase: assign(({ event }) =>
        event.type === 'PHASE_INITIATED'
          ? {
              phase: event.phase,
              pipeline: [...event.pipeline],
              language: event.language,
              correlationId: event.correlationId,
              attempts: 0,
              error: null,
            }
          : {},
      ),
      recordResult: assign(({ context, event }) =>
        event.type === 'PHASE_SUCCEEDED'
          ? { results: { ...context.results, [event.phase]: event.result } }
          : {},
      ),
      recordFailure: assign(({ event }) =>
        event.type === 'PHASE_FAILED'
          ? { error: { code: event.code, message: event.message } }
          : {},
      ),
      recordTimeout: assign({
        error: ({ context }) => ({
          code: 'HULEEDU_RESULT_TIMEOUT',
          message: `no ${context.phase} result after ${context.attempts} attempts`,
        }),
      }),
      recordCriticalFailure: assign({
        error: ({ event }) => ({
          code: 'HULEEDU_CRITICAL_FAILURE',
          message: event.type === 'CRITICAL_FAILURE' ? event.reason : 'critical failure',
        }),
      }),
    },
    guards: {
      initiates: ({ event }, params: { phase: string }) =>
        event.type === 'PHASE_INITIATED' && event.phase === params.phase,
      retries: ({ event }, params: { phase: string }) =>
        event.type === 'PHASE_INITIATED' && event.retry && event.phase === params.phase,
      ofPhase: ({ event }, params: { phase: string }) =>
        'phase' in event && event.phase === params.phase,
      currentAttemptTimedOut: ({ context, event }) =>
        event.type === 'PHASE_TIMEOUT' &&
        event.phase === context.phase &&
        event.attempt === context.attempts &&
        context.attempts < context.maxAttempts,
      lastAttemptTimedOut: ({ context, event }) =>
        event.type === 'PHASE_TIMEOUT' &&
        event.phase === context.phase &&
        event.attempt === context.attempts &&
        context.attempts >= context.maxAttempts,
      concludesPhase: ({ context, event }) =>
        event.type === 'PHASE_CONCLUDED' && event.phase === context.phase,
      concludesPipeline: ({ context, event }) =>
        event.type === 'PHASE_CONCLUDED' &&
        event.phase === context.phase &&
        isLast(context.pipeline, event.phase),
    },
  }).createMachine({
    id: ESSAY_MACHINE_ID,
    context: ({ input }) => ({
      essayId: input.essayId,
      batchId: input.batchId ?? null,
      textStorageId: input.textStorageId,
      pipeline: [],
      language: 'en',
      correlationId: null,
      phase: null,
      attempts: 0,
      maxAttempts: input.maxAttempts ?? 3,
      resultTimeoutMs: input.resultTimeoutMs ?? 5 * 60_000,
      results: {},
      error: null,
    }),
    initial: EssayStatus.READY_FOR_PROCESSING,
    states: {
      [EssayStatus.READY_FOR_PROCESSING]: {
        on: {
          CRITICAL_FAILURE: critical(null),
          // Re-provisioning before processing starts replaces the text.
          CONTENT_PROVISIONED: {
            actions: assign({
              textStorageId: ({ event }) => event.textStorageId,
              batchId: ({ context, event }) => event.batchId ?? context.batchId,
            }),
          },
          PHASE_INITIATED: phases.map((p) => initiate(p, 'initiates')),
        },
      },
      ...phaseStates,
      [EssayStatus.ESSAY_ALL_PROCESSING_COMPLETED]: { type: 'final' },
      // Not final: a teacher's retry of the batch's failed essays restarts the failed phase.
      [EssayStatus.ESSAY_PARTIALLY_PROCESSED_WITH_FAILURES]: {
        on: { PHASE_INITIATED: phases.map((p) => initiate(p, 'retries')) },
      },
      [EssayStatus.ESSAY_CRITICAL_FAILURE]: { type: 'final' },
    },
  });
}

/** The essay machine's type (whatever phases it was built with). */
export type EssayMachine = ReturnType<typeof createEssayMachine>;
