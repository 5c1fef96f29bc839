import { z } from 'zod';

/**
 * Every event the platform knows of. Values travel on the wire as these lowercase strings.
 * Only some of them have a topic today; see `topicName()`.
 */
export const ProcessingEvent = {
  PROCESSING_STARTED: 'processing.started',
  PROCESSING_CONCLUDED: 'processing.concluded',
  PROCESSING_FAILED: 'processing.failed',
  BATCH_ESSAYS_REGISTERED: 'batch.essays.registered',
  ESSAY_CONTENT_PROVISIONED: 'essay.content.provisioned',
  BATCH_ESSAYS_READY: 'batch.essays.ready',
  BATCH_SPELLCHECK_INITIATE_COMMAND: 'batch.spellcheck.initiate.command',
  ESSAY_SPELLCHECK_REQUESTED: 'essay.spellcheck.requested',
  ESSAY_SPELLCHECK_RESULT_RECEIVED: 'essay.spellcheck.result.received',
  ELS_BATCH_PHASE_OUTCOME: 'els.batch.phase.outcome',
  ESSAY_LIFECYCLE_STATE_UPDATED: 'essay.lifecycle.state.updated',
  BATCH_CANCEL_COMMAND: 'batch.cancel.command',
  BATCH_RETRY_COMMAND: 'batch.retry.command',
  BATCH_LIFECYCLE_STATE_UPDATED: 'batch.lifecycle.state.updated',
  /** Start the text-metrics phase (the original platform's NLP phase) for a batch's essays. */
  BATCH_NLP_INITIATE_COMMAND: 'batch.nlp.initiate.command',
  ESSAY_NLP_REQUESTED: 'essay.nlp.requested',
  ESSAY_NLP_RESULT_RECEIVED: 'essay.nlp.result.received',
  ESSAY_AIFEEDBACK_REQUESTED: 'essay.aifeedback.requested',
  ESSAY_AIFEEDBACK_RESULT_RECEIVED: 'essay.aifeedback.result.received',
} as const;

export type ProcessingEvent = (typeof ProcessingEvent)[keyof typeof ProcessingEvent];

export const ProcessingEventSchema = z.enum(ProcessingEvent);
