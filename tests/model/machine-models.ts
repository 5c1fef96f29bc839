import type { AnyStateMachine } from 'xstate';
import {
  type BatchEvent,
  batchMachine,
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
}

const essayEvents: EssayEvent[] = [
  { type: 'CONTENT_PROVISIONED', textStorageId: 'text-2', batchId: 'batch-1' },
  { type: 'SPELLCHECK_INITIATED', language: 'en', correlationId: null },
  { type: 'SPELLCHECK_RETRY', language: 'en', correlationId: null },
  { type: 'DISPATCH_SPELLCHECK' },
  { type: 'SPELLCHECK_TIMEOUT', attempt: 1 },
  { type: 'SPELLCHECK_TIMEOUT', attempt: 2 },
  { type: 'SPELLCHECK_SUCCEEDED', correctedTextStorageId: 'corrected-1', correctionsMade: 3 },
  { type: 'SPELLCHECK_FAILED', code: 'HULEEDU_NOT_FOUND', message: 'text missing' },
  { type: 'PIPELINE_CONCLUDED' },
  { type: 'CRITICAL_FAILURE', reason: 'content withdrawn' },
];

const batchEvents: BatchEvent[] = [
  {
    type: 'BATCH_REGISTERED',
    essayIds: ['e1', 'e2'],
    pipeline: ['spellcheck'],
    language: 'en',
    correlationId: null,
  },
  { type: 'ESSAY_PROVISIONED', essayId: 'e1', textStorageId: 't1' },
  { type: 'ESSAY_PROVISIONED', essayId: 'e2', textStorageId: 't2' },
  { type: 'PHASE_INITIATED', phase: 'spellcheck', correlationId: null },
  { type: 'ESSAY_PHASE_CONCLUDED', essayId: 'e1', outcome: 'success' },
  { type: 'ESSAY_PHASE_CONCLUDED', essayId: 'e2', outcome: 'success' },
  { type: 'ESSAY_PHASE_CONCLUDED', essayId: 'e2', outcome: 'failed' },
  { type: 'ESSAY_PHASE_CONCLUDED', essayId: 'e1', outcome: 'failed' },
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
  },
  {
    actorType: 'batch',
    machine: batchMachine,
    input: { batchId: 'model-batch' },
    events: batchEvents,
  },
];
