import { z } from 'zod';

/** Stage of one unit of processing work. */
export const ProcessingStage = {
  PENDING: 'pending',
  INITIALIZED: 'initialized',
  PROCESSING: 'processing',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
} as const;

export type ProcessingStage = (typeof ProcessingStage)[keyof typeof ProcessingStage];

export const ProcessingStageSchema = z.enum(ProcessingStage);

const TERMINAL: ReadonlySet<ProcessingStage> = new Set([
  ProcessingStage.COMPLETED,
  ProcessingStage.FAILED,
  ProcessingStage.CANCELLED,
]);

/** Completed, failed and cancelled are terminal; the other stages are active. */
export function isTerminalStage(stage: ProcessingStage): boolean {
  return TERMINAL.has(stage);
}

/** Pending, initialized and processing are active. */
export function isActiveStage(stage: ProcessingStage): boolean {
  return !TERMINAL.has(stage);
}
