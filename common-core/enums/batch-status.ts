import { z } from 'zod';

/** Lifecycle status of a batch of essays. */
export const BatchStatus = {
  AWAITING_CONTENT_VALIDATION: 'awaiting_content_validation',
  CONTENT_INGESTION_FAILED: 'content_ingestion_failed',
  AWAITING_PIPELINE_CONFIGURATION: 'awaiting_pipeline_configuration',
  READY_FOR_PIPELINE_EXECUTION: 'ready_for_pipeline_execution',
  PROCESSING_PIPELINES: 'processing_pipelines',
  COMPLETED_SUCCESSFULLY: 'completed_successfully',
  COMPLETED_WITH_FAILURES: 'completed_with_failures',
  FAILED_CRITICALLY: 'failed_critically',
  CANCELLED: 'cancelled',
} as const;

export type BatchStatus = (typeof BatchStatus)[keyof typeof BatchStatus];

export const BatchStatusSchema = z.enum(BatchStatus);

/**
 * Batch states in which its pipeline has concluded: nothing follows unless a teacher retries
 * its failed essays (from `completed_with_failures` or `failed_critically`).
 */
export const CONCLUDED_BATCH_STATUSES: ReadonlySet<string> = new Set([
  BatchStatus.COMPLETED_SUCCESSFULLY,
  BatchStatus.COMPLETED_WITH_FAILURES,
  BatchStatus.FAILED_CRITICALLY,
  BatchStatus.CANCELLED,
]);
