import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import {
  type BatchContext,
  type BatchEvent,
  batchMachine,
  type EssayContext,
  type EssayEvent,
  essayMachine,
} from '../../machines/index.ts';

/** What a model-based suite needs of a machine: the logic, its input and event samples. */
export interface MachineModel {
  actorType: 'essay' | 'batch';
  machine: AnyStateMachine;
  input: Record<string, unknown>;
  /** Samples carrying the payloads guards need; every transition must be reachable with them. */
  events: readonly ({ type: string } & Record<string, unknown>)[];
  /**
   * What tells two states apart for path finding: the state and the context the guards read.
   * The whole context would make every result and error message a state of its own (the essay
   * machine of two phases: 280 shortest paths, and simple paths past any budget).
   */
  serialize: (snapshot: AnyMachineSnapshot) => string;
}

const PIPELINE = ['spellcheck', 'metrics'];

/** Each phase's events; the essay's pipeline is both phases, so each one's end is reached. */
const essayEvents: EssayEvent[] = [
  { type: 'CONTENT_PROVISIONED', textStorageId: 'text-2', batchId: 'batch-1' },
  ...PIPELINE.flatMap((phase): EssayEvent[] => [
    {
      type: 'PHASE_INITIATED',
      phase,
      language: 'en',
      correlationId: null,
      pipeline: PIPELINE,
      retry: false,
    },
    {
      type: 'PHASE_INITIATED',
      phase,
      language: 'en',
      correlationId: null,
      pipeline: PIPELINE,
      retry: true,
    },
    { type: 'DISPATCH_PHASE', phase },
    { type: 'PHASE_TIMEOUT', phase, attempt: 1 },
    { type: 'PHASE_TIMEOUT', phase, attempt: 2 },
    { type: 'PHASE_SUCCEEDED', phase, result: { figure: 3 } },
    { type: 'PHASE_FAILED', phase, code: 'HULEEDU_NOT_FOUND', message: 'text missing' },
    { type: 'PHASE_CONCLUDED', phase },
  ]),
  // A batch of the original platform: spellcheck alone, so its success concludes the essay.
  {
    type: 'PHASE_INITIATED',
    phase: 'spellcheck',
    language: 'en',
    correlationId: null,
    pipeline: ['spellcheck'],
    retry: false,
  },
  { type: 'CRITICAL_FAILURE', reason: 'content withdrawn' },
];

const batchEvents: BatchEvent[] = [
  {
    type: 'BATCH_REGISTERED',
    essayIds: ['e1', 'e2'],
    pipeline: PIPELINE,
    language: 'en',
    correlationId: null,
  },
  { type: 'ESSAY_PROVISIONED', essayId: 'e1', textStorageId: 't1' },
  { type: 'ESSAY_PROVISIONED', essayId: 'e2', textStorageId: 't2' },
  { type: 'PHASE_INITIATED', phase: 'spellcheck', correlationId: null },
  ...PIPELINE.flatMap((phase): BatchEvent[] => [
    { type: 'ESSAY_PHASE_CONCLUDED', essayId: 'e1', phase, outcome: 'success' },
    { type: 'ESSAY_PHASE_CONCLUDED', essayId: 'e2', phase, outcome: 'success' },
    { type: 'ESSAY_PHASE_CONCLUDED', essayId: 'e2', phase, outcome: 'failed' },
    { type: 'ESSAY_PHASE_CONCLUDED', essayId: 'e1', phase, outcome: 'failed' },
  ]),
  { type: 'CANCEL_REQUESTED', reason: 'teacher withdrew the batch' },
  { type: 'RETRY_REQUESTED', correlationId: null },
];

export const MODELS: readonly MachineModel[] = [
  {
    actorType: 'essay',
    machine: essayMachine,
    input: {
      essayId: 'model-essay',
      textStorageId: 'text-1',
      batchId: 'batch-1',
      maxAttempts: 2,
      resultTimeoutMs: 1000,
    },
    events: essayEvents,
    serialize: (s) => {
      const c = s.context as EssayContext;
      return JSON.stringify([s.value, c.phase, c.attempts, c.pipeline]);
    },
  },
  {
    actorType: 'batch',
    machine: batchMachine,
    input: { batchId: 'model-batch' },
    events: batchEvents,
    serialize: (s) => {
      const c = s.context as BatchContext;
      return JSON.stringify([
        s.value,
        c.expectedEssayIds,
        c.provisionedEssayIds,
        c.phase,
        c.phaseEssayIds,
        c.succeeded,
        c.failed,
        c.droppedIds,
        c.droppedAt,
        c.retryRound,
      ]);
    },
  },
];
