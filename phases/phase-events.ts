import { z } from 'zod';
import { type EssayStatus, type ProcessingEvent, ProcessingStage } from '../common-core/index.ts';
import type { PhaseOutcome, PhaseRequest } from './phase-module.ts';

/**
 * The fields every phase request carries (the seed's `ProcessingUpdate`): the essay, the
 * status it awaits in, and pending processing metadata.
 */
export function pendingUpdate(
  r: PhaseRequest,
  event: ProcessingEvent,
  status: EssayStatus,
  timestamp: string,
): Record<string, unknown> {
  const entity = { entity_id: r.essayId, entity_type: 'essay', parent_id: r.batchId };
  return {
    entity_ref: entity,
    status,
    system_metadata: {
      entity,
      timestamp,
      processing_stage: ProcessingStage.PENDING,
      event,
      started_at: null,
      completed_at: null,
      error_info: {},
    },
  };
}

const ErrorInfo = z.object({ code: z.string(), message: z.string() }).partial();

/** A failed result read as an outcome: its `error_info` code and message, or defaults. */
export function failedOutcome(
  essayId: string,
  data: { status: string; system_metadata: { error_info: Record<string, unknown> } },
): PhaseOutcome {
  const info = ErrorInfo.parse(data.system_metadata.error_info);
  return {
    essayId,
    ok: false,
    code: info.code ?? 'HULEEDU_PROCESSING_FAILED',
    message: info.message ?? `status ${data.status}`,
  };
}
