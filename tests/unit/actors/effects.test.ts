import { describe, expect, it } from 'vitest';
import { essayStatusEvent, SOURCE_SERVICE } from '../../../actors/runtime/effects.ts';
import { makeEnvelope, ProcessingEvent } from '../../../common-core/index.ts';

describe('essayStatusEvent', () => {
  // Strings that need escaping in JSON: quotes, backslashes, control characters, non-ASCII.
  const cases = [
    {
      essay: 'e1',
      batch: 'b1',
      from: 'awaiting_spellcheck',
      to: 'spellchecked_success',
      corr: 'c-1',
    },
    { essay: 'quote"back\\slash', batch: null, from: null, to: 'ready_for_processing', corr: null },
    { essay: 'tab\tnl\n\u0001\u001e', batch: 'é 漢字 😀', from: 'x', to: 'y', corr: '\u2028' },
  ];

  it.each(cases)('writes exactly JSON.stringify(makeEnvelope(...)) for $essay', (c) => {
    const now = new Date('2026-11-29T01:02:03.456Z');
    const cause = {
      actorType: 'essay',
      actorId: c.essay,
      eventId: `cause "${c.essay}"`,
      correlationId: c.corr,
      now,
      timestamp: now.toISOString(),
    };
    const row = essayStatusEvent(c.essay, c.batch, c.from, c.to, cause, 3);
    const expected = makeEnvelope({
      event: ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED,
      sourceService: SOURCE_SERVICE,
      correlationId: c.corr,
      eventId: row.eventId,
      timestamp: cause.timestamp,
      data: {
        event_name: ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED,
        timestamp: cause.timestamp,
        entity_ref: { entity_id: c.essay, entity_type: 'essay', parent_id: c.batch },
        batch_id: c.batch,
        from_status: c.from,
        to_status: c.to,
        cause_event_id: cause.eventId,
      },
    });
    expect(row.payload).toBe(JSON.stringify(expected));
    expect(row.topic).toBe(expected.event_type);
    expect(row.key).toBe(c.essay);
    // Derived from the cause: a re-applied cause yields the same (deduplicable) event.
    expect(essayStatusEvent(c.essay, c.batch, c.from, c.to, cause, 3).eventId).toBe(row.eventId);
  });
});
