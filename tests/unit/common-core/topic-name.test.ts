import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  allTopics,
  dltTopic,
  HuleEduError,
  liveSubject,
  ProcessingEvent,
  TOPIC_MAPPING,
  topicName,
  UnmappedEventError,
} from '../../../common-core/index.ts';

// The contract from DESIGN.md: these events travel, on these topics.
const EXPECTED: Record<string, string> = {
  'essay.spellcheck.requested': 'huleedu.essay.spellcheck.requested.v1',
  'essay.spellcheck.result.received': 'huleedu.essay.spellcheck.completed.v1',
  'batch.essays.registered': 'huleedu.batch.essays.registered.v1',
  'essay.content.provisioned': 'huleedu.file.essay.content.provisioned.v1',
  'batch.essays.ready': 'huleedu.els.batch.essays.ready.v1',
  'batch.spellcheck.initiate.command': 'huleedu.els.spellcheck.initiate.command.v1',
  'els.batch.phase.outcome': 'huleedu.els.batch.phase.outcome.v1',
  'essay.lifecycle.state.updated': 'huleedu.essay.lifecycle.state.updated.v1',
  'batch.cancel.command': 'huleedu.els.batch.cancel.command.v1',
  'batch.retry.command': 'huleedu.els.batch.retry.command.v1',
  'batch.lifecycle.state.updated': 'huleedu.batch.lifecycle.state.updated.v1',
  // The text-metrics phase (the original platform's NLP events).
  'batch.nlp.initiate.command': 'huleedu.els.nlp.initiate.command.v1',
  'essay.nlp.requested': 'huleedu.essay.nlp.requested.v1',
  'essay.nlp.result.received': 'huleedu.essay.nlp.completed.v1',
};

/** The table in topicName()'s doc comment, as event -> topic. */
function docCommentTable(): Record<string, string> {
  const source = readFileSync(
    new URL('../../../common-core/topics/topic-name.ts', import.meta.url),
    'utf8',
  );
  const doc = source.slice(source.lastIndexOf('/**', source.indexOf('export function topicName')));
  const rows: Record<string, string> = {};
  for (const line of doc.split('\n')) {
    const m = /^\s*\*\s*\|\s*([a-z][\w.]*)\s*\|\s*(huleedu\.[\w.]+)\s*\|/.exec(line);
    if (m?.[1] && m[2]) rows[m[1]] = m[2];
  }
  return rows;
}

describe('topicName', () => {
  it('maps every travelling event to its topic', () => {
    for (const [event, topic] of Object.entries(EXPECTED)) {
      expect(topicName(event as ProcessingEvent)).toBe(topic);
    }
    expect(TOPIC_MAPPING).toEqual(EXPECTED);
  });

  it('keeps the doc comment table and the mapping in sync', () => {
    expect(docCommentTable()).toEqual({ ...TOPIC_MAPPING });
  });

  it('throws for an unmapped event, naming it and listing every mapping', () => {
    let error: unknown;
    try {
      topicName(ProcessingEvent.PROCESSING_STARTED);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnmappedEventError);
    expect(error).toBeInstanceOf(HuleEduError);
    const message = (error as Error).message;
    expect(message).toContain("Event 'processing.started'");
    for (const [event, topic] of Object.entries(EXPECTED))
      expect(message).toContain(`${event} -> ${topic}`);
    expect((error as HuleEduError).code).toBe('HULEEDU_UNMAPPED_EVENT');
    expect((error as Error).name).toBe('UnmappedEventError');
    expect((error as HuleEduError).details).toEqual({ event: 'processing.started' });
    expect(message).toContain(
      'does not have an explicit topic mapping. All events that travel must have a deliberate topic contract in TOPIC_MAPPING. Currently mapped events:\n  - essay.spellcheck.requested -> huleedu.essay.spellcheck.requested.v1\n  - essay.spellcheck.result.received',
    );
  });

  it('names dead-letter topics and lists every topic once', () => {
    expect(dltTopic('huleedu.x.v1')).toBe('huleedu.x.v1.DLT');
    expect(new Set(allTopics()).size).toBe(Object.keys(EXPECTED).length);
    expect(allTopics()).toEqual(Object.values(EXPECTED));
  });

  it("names a batch's live status subject", () => {
    expect(liveSubject('b-1')).toBe('huleedu.live.v1.b-1');
  });
});
