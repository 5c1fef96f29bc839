import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { batchStatusEvent } from '../../../../actors/batch/batch-effects.ts';
import { essayStatusEvent } from '../../../../actors/essay/essay-effects.ts';
import { streamBatchEvents } from '../../../../services/api/batch-events.ts';
import type { LiveFeed, LiveMessage } from '../../../../services/api/live-feed.ts';
import type { BatchView } from '../../../../services/api/views.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

const cause = (n: number) => ({
  actorType: 'essay',
  actorId: 'x',
  eventId: `cause-${n}`,
  correlationId: null,
  now: new Date(0),
  timestamp: '2026-12-01T00:00:00.000Z',
});
const essay = (id: string, from: string | null, to: string, n: number) =>
  Buffer.from(essayStatusEvent(id, 'b1', from, to, cause(n), 0).payload);
const batch = (from: string | null, to: string, n: number) =>
  Buffer.from(batchStatusEvent('b1', from, to, cause(n), 0).payload);

/** The whole history of batch b1 with essays e1, e2, as the bridge puts it on the live subject. */
const HISTORY: Omit<LiveMessage, 'pending'>[] = [
  { seq: 1, data: batch(null, 'awaiting_content_validation', 1) },
  { seq: 2, data: essay('e1', null, 'ready_for_processing', 2) },
  { seq: 3, data: essay('e2', null, 'ready_for_processing', 3) },
  { seq: 4, data: Buffer.from('not an envelope') },
  { seq: 5, data: batch('awaiting_content_validation', 'processing_pipelines', 5) },
  { seq: 6, data: essay('e1', 'ready_for_processing', 'essay_all_processing_completed', 6) },
  { seq: 7, data: batch('processing_pipelines', 'completed_successfully', 7) },
  { seq: 8, data: essay('e2', 'ready_for_processing', 'essay_all_processing_completed', 8) },
  { seq: 9, data: essay('e9', null, 'ready_for_processing', 9) },
];

/** A feed holding the first `available` messages of the history now, the rest released later. */
function feed(
  available: number,
  history: readonly Omit<LiveMessage, 'pending'>[] = HISTORY,
): { live: LiveFeed; release: () => void } {
  let released = false;
  let wake: () => void = () => {};
  return {
    release: () => {
      released = true;
      wake();
    },
    live: {
      lastSequence: async () => history[available - 1]?.seq ?? 0,
      async *follow(_subject, afterSeq, signal): AsyncGenerator<LiveMessage> {
        // `pending` as the server counts it: what it holds after the message when it sends it.
        for (const [i, m] of history.slice(0, available).entries())
          if (m.seq > afterSeq)
            yield { ...m, pending: (released ? history.length : available) - i - 1 };
        if (!released)
          await new Promise<void>((r) => {
            wake = r;
            signal.addEventListener('abort', () => r());
          });
        for (const [i, m] of history.slice(available).entries())
          if (m.seq > afterSeq) yield { ...m, pending: history.length - available - i - 1 };
      },
    },
  };
}

function response() {
  const chunks: string[] = [];
  const res = {
    writableEnded: false,
    write(c: string) {
      chunks.push(c);
      return true;
    },
    end() {
      this.writableEnded = true;
    },
  };
  const events = () =>
    chunks
      .join('')
      .split('\n\n')
      .filter((block) => block.includes('event:'))
      .map((block) => ({
        id: /^id: (\d+)$/m.exec(block)?.[1],
        event: /^event: (\w+)$/m.exec(block)?.[1],
        data: JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null'),
      }));
  return { res: res as unknown as ServerResponse & { writableEnded: boolean }, events };
}

const view = (done: boolean): BatchView =>
  ({
    batch_id: 'b1',
    status: done ? 'completed_successfully' : 'processing_pipelines',
    done,
  }) as BatchView;

const options = (live: LiveFeed, lastEventId: number | undefined, done = false) => ({
  batchId: 'b1',
  subject: 'huleedu.live.v1.b1',
  essayIds: ['e1', 'e2'],
  live,
  lastEventId,
  snapshot: async () => view(done),
  heartbeatMs: 10_000,
  signal: new AbortController().signal,
  onError: (e: unknown) => {
    throw e;
  },
});

describe('streamBatchEvents', () => {
  it('gives a new client the snapshot, then every later change in order, then end once all is final', async () => {
    const { live, release } = feed(5);
    const { res, events } = response();
    const streaming = streamBatchEvents(res, options(live, undefined));
    // Everything held so far is older than the snapshot: nothing after it until released.
    await waitFor('the snapshot', () => events().length === 1);
    expect(events().map((e) => e.event)).toEqual(['snapshot']);
    expect(events()[0]?.id).toBe('5');
    release();
    await streaming;
    const all = events();
    expect(all.map((e) => `${e.id}:${e.event}`)).toEqual([
      '5:snapshot',
      '6:essay_status',
      '7:batch_status',
      '8:essay_status',
      '9:end',
    ]);
    expect(all[1]?.data).toMatchObject({
      essay_id: 'e1',
      to_status: 'essay_all_processing_completed',
    });
    expect(all[4]?.data).toEqual({ batch_id: 'b1', status: 'completed_successfully' });
    expect(res.writableEnded).toBe(true);
  });

  it('resumes after Last-Event-ID with what was missed and nothing twice, and still ends', async () => {
    const { live } = feed(HISTORY.length);
    const { res, events } = response();
    await streamBatchEvents(res, options(live, 6));
    expect(events().map((e) => `${e.id}:${e.event}`)).toEqual([
      '7:batch_status',
      '8:essay_status',
      '9:end',
    ]);
  });

  it('does not end on the final batch status while an essay is still going', async () => {
    const { live, release } = feed(7);
    const { res, events } = response();
    const streaming = streamBatchEvents(res, options(live, 0));
    // All seven held messages out (six changes; one is not an envelope), and no end.
    await waitFor('the held changes', () => events().length === 6);
    expect(events().map((e) => e.event)).not.toContain('end');
    release();
    await streaming;
    expect(events().at(-1)?.event).toBe('end');
  });

  it('does not end on a conclusion that a retry superseded (the subject goes on after it)', async () => {
    const retried = [
      ...HISTORY.slice(0, 5),
      { seq: 6, data: essay('e1', 'ready_for_processing', 'essay_all_processing_completed', 6) },
      { seq: 7, data: batch('processing_pipelines', 'completed_with_failures', 7) },
      {
        seq: 8,
        data: essay('e2', 'ready_for_processing', 'essay_partially_processed_with_failures', 8),
      },
      { seq: 9, data: batch('completed_with_failures', 'processing_pipelines', 9) },
      {
        seq: 10,
        data: essay('e2', 'essay_partially_processed_with_failures', 'awaiting_spellcheck', 10),
      },
      { seq: 11, data: batch('processing_pipelines', 'completed_successfully', 11) },
      { seq: 12, data: essay('e2', 'awaiting_spellcheck', 'essay_all_processing_completed', 12) },
    ];
    const { live } = feed(retried.length, retried);
    const { res, events } = response();
    await streamBatchEvents(res, options(live, 0));
    expect(events().at(-1)).toMatchObject({
      id: '12',
      event: 'end',
      data: { status: 'completed_successfully' },
    });
  });

  it('ends at once for a batch that is already done', async () => {
    const { live } = feed(HISTORY.length);
    const { res, events } = response();
    await streamBatchEvents(res, options(live, undefined, true));
    expect(events().map((e) => e.event)).toEqual(['snapshot', 'end']);
  });
});
