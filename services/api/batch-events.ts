import type { ServerResponse } from 'node:http';
import {
  BatchLifecycleStateUpdatedV1Schema,
  decodeEnvelope,
  EssayLifecycleStateUpdatedV1Schema,
  ProcessingEvent,
  topicName,
} from '../../common-core/index.ts';
import type { LiveFeed } from './live-feed.ts';
import { type BatchView, isDone } from './views.ts';

/** One Server-Sent Event: `id:`, `event:` and `data:` lines and a blank line. */
export function sseEvent(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A status change as the stream carries it. */
export type LiveChange =
  | {
      kind: 'essay_status';
      essay_id: string;
      batch_id: string;
      from_status: string | null;
      to_status: string;
      at: string;
    }
  | {
      kind: 'batch_status';
      batch_id: string;
      from_status: string | null;
      to_status: string;
      at: string;
    };

const ESSAY_STATUS_TOPIC = topicName(ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED);
const BATCH_STATUS_TOPIC = topicName(ProcessingEvent.BATCH_LIFECYCLE_STATE_UPDATED);

/** A live-subject message as a change, or undefined for anything else (skipped, never fatal). */
export function changeOf(data: Uint8Array): LiveChange | undefined {
  try {
    const text = Buffer.from(data).toString('utf8');
    const type = (JSON.parse(text) as { event_type?: unknown }).event_type;
    if (type === ESSAY_STATUS_TOPIC) {
      const env = decodeEnvelope(text, EssayLifecycleStateUpdatedV1Schema);
      return {
        kind: 'essay_status',
        essay_id: env.data.entity_ref.entity_id,
        batch_id: env.data.batch_id ?? '',
        from_status: env.data.from_status,
        to_status: env.data.to_status,
        at: env.event_timestamp,
      };
    }
    if (type === BATCH_STATUS_TOPIC) {
      const env = decodeEnvelope(text, BatchLifecycleStateUpdatedV1Schema);
      return {
        kind: 'batch_status',
        batch_id: env.data.batch_id,
        from_status: env.data.from_status,
        to_status: env.data.to_status,
        at: env.event_timestamp,
      };
    }
  } catch {
    // Not a status envelope: nothing a client needs.
  }
  return undefined;
}

export interface BatchStreamOptions {
  batchId: string;
  subject: string;
  essayIds: readonly string[];
  live: LiveFeed;
  /** The client's `Last-Event-ID`: resume after it, with no snapshot. */
  lastEventId: number | undefined;
  /** The batch's current view, sent first to a new client. */
  snapshot: () => Promise<BatchView>;
  heartbeatMs: number;
  signal: AbortSignal;
  /** Told of a failure of the live feed; the client gets an `error` event and reconnects. */
  onError: (error: unknown) => void;
}

/**
 * Stream a batch's status changes as SSE. The state that decides the end is rebuilt from the
 * live subject itself (read from its start, sending only what the client has not seen), so a
 * resumed stream ends exactly when the subject holds the batch's final event and every
 * essay's, whatever the database said at connect time. A new client first gets the batch's
 * current view (`snapshot`, with the subject's last sequence as its id); then every change
 * after it, in order; `end` closes the stream once the subject is read to its end and shows the
 * batch and every essay concluded (a batch retried after concluding goes on).
 */
export async function streamBatchEvents(res: ServerResponse, o: BatchStreamOptions): Promise<void> {
  const write = (chunk: string): void => {
    if (!res.writableEnded) res.write(chunk);
  };
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), o.heartbeatMs);
  try {
    let sendAfter: number;
    if (o.lastEventId === undefined) {
      sendAfter = await o.live.lastSequence(o.subject);
      const view = await o.snapshot();
      write(sseEvent('snapshot', view, sendAfter));
      if (view.done) {
        write(sseEvent('end', { batch_id: o.batchId, status: view.status }, sendAfter));
        return;
      }
    } else sendAfter = o.lastEventId;

    const essays = new Map<string, string>(o.essayIds.map((id) => [id, '']));
    let batchStatus = '';
    for await (const m of o.live.follow(o.subject, 0, o.signal)) {
      const change = changeOf(m.data);
      const relevant =
        change !== undefined && (change.kind === 'batch_status' || essays.has(change.essay_id));
      if (change && relevant) {
        if (change.kind === 'essay_status') essays.set(change.essay_id, change.to_status);
        else batchStatus = change.to_status;
        if (m.seq > sendAfter) {
          const { kind, ...data } = change;
          write(sseEvent(kind, data, m.seq));
        }
      }
      // Only once caught up: a batch retried after it concluded has newer changes still to come.
      if (m.pending === 0 && batchStatus !== '' && isDone(batchStatus, essays.values())) {
        write(
          sseEvent('end', { batch_id: o.batchId, status: batchStatus }, Math.max(m.seq, sendAfter)),
        );
        return;
      }
    }
  } catch (error) {
    if (o.signal.aborted) return;
    o.onError(error);
    write(
      sseEvent('error', {
        code: 'HULEEDU_DEPENDENCY_UNAVAILABLE',
        message: 'the live feed failed; reconnect with Last-Event-ID',
      }),
    );
  } finally {
    clearInterval(heartbeat);
    if (!res.writableEnded) res.end();
  }
}
