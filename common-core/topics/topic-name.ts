import { ProcessingEvent } from '../enums/processing-event.ts';
import { HuleEduError } from '../errors/huleedu-error.ts';

/**
 * Every event that travels, and the topic (Kafka) / subject (NATS) it travels on.
 * A test keeps this table and the doc comment of `topicName()` in sync.
 */
export const TOPIC_MAPPING: Readonly<Partial<Record<ProcessingEvent, string>>> = Object.freeze({
  [ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED]: 'huleedu.essay.spellcheck.requested.v1',
  [ProcessingEvent.ESSAY_SPELLCHECK_RESULT_RECEIVED]: 'huleedu.essay.spellcheck.completed.v1',
  [ProcessingEvent.BATCH_ESSAYS_REGISTERED]: 'huleedu.batch.essays.registered.v1',
  [ProcessingEvent.ESSAY_CONTENT_PROVISIONED]: 'huleedu.file.essay.content.provisioned.v1',
  [ProcessingEvent.BATCH_ESSAYS_READY]: 'huleedu.els.batch.essays.ready.v1',
  [ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND]: 'huleedu.els.spellcheck.initiate.command.v1',
  [ProcessingEvent.ELS_BATCH_PHASE_OUTCOME]: 'huleedu.els.batch.phase.outcome.v1',
  [ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED]: 'huleedu.essay.lifecycle.state.updated.v1',
  [ProcessingEvent.BATCH_CANCEL_COMMAND]: 'huleedu.els.batch.cancel.command.v1',
  [ProcessingEvent.BATCH_RETRY_COMMAND]: 'huleedu.els.batch.retry.command.v1',
  [ProcessingEvent.BATCH_LIFECYCLE_STATE_UPDATED]: 'huleedu.batch.lifecycle.state.updated.v1',
  [ProcessingEvent.BATCH_NLP_INITIATE_COMMAND]: 'huleedu.els.nlp.initiate.command.v1',
  [ProcessingEvent.ESSAY_NLP_REQUESTED]: 'huleedu.essay.nlp.requested.v1',
  [ProcessingEvent.ESSAY_NLP_RESULT_RECEIVED]: 'huleedu.essay.nlp.completed.v1',
});

/** The dead-letter topic of a topic. */
export function dltTopic(topic: string): string {
  return `${topic}.DLT`;
}

/** Every mapped topic, in table order. */
export function allTopics(): string[] {
  return Object.values(TOPIC_MAPPING).filter((t): t is string => t !== undefined);
}

/** Raised by `topicName()` for an event with no deliberate topic contract. */
export class UnmappedEventError extends HuleEduError {
  constructor(event: string) {
    const table = Object.entries(TOPIC_MAPPING)
      .map(([e, t]) => `  - ${e} -> ${t}`)
      .join('\n');
    super(
      'HULEEDU_UNMAPPED_EVENT',
      `Event '${event}' does not have an explicit topic mapping. All events that travel must ` +
        `have a deliberate topic contract in TOPIC_MAPPING. Currently mapped events:\n${table}`,
      { details: { event } },
    );
    this.name = 'UnmappedEventError';
  }
}

/**
 * The Kafka topic (and NATS subject) of an event. Envelopes carry it as `event_type`.
 *
 * Current topic mapping:
 *
 * | event                             | topic                                        |
 * | --------------------------------- | -------------------------------------------- |
 * | essay.spellcheck.requested        | huleedu.essay.spellcheck.requested.v1        |
 * | essay.spellcheck.result.received  | huleedu.essay.spellcheck.completed.v1        |
 * | batch.essays.registered           | huleedu.batch.essays.registered.v1           |
 * | essay.content.provisioned         | huleedu.file.essay.content.provisioned.v1    |
 * | batch.essays.ready                | huleedu.els.batch.essays.ready.v1            |
 * | batch.spellcheck.initiate.command | huleedu.els.spellcheck.initiate.command.v1   |
 * | els.batch.phase.outcome           | huleedu.els.batch.phase.outcome.v1           |
 * | essay.lifecycle.state.updated     | huleedu.essay.lifecycle.state.updated.v1     |
 * | batch.cancel.command              | huleedu.els.batch.cancel.command.v1          |
 * | batch.retry.command               | huleedu.els.batch.retry.command.v1           |
 * | batch.lifecycle.state.updated     | huleedu.batch.lifecycle.state.updated.v1     |
 * | batch.nlp.initiate.command        | huleedu.els.nlp.initiate.command.v1          |
 * | essay.nlp.requested               | huleedu.essay.nlp.requested.v1               |
 * | essay.nlp.result.received         | huleedu.essay.nlp.completed.v1               |
 *
 * @throws UnmappedEventError naming the event and listing every mapping.
 */
export function topicName(event: ProcessingEvent): string {
  const topic = TOPIC_MAPPING[event];
  if (topic === undefined) throw new UnmappedEventError(event);
  return topic;
}

/**
 * The NATS subject of a batch's live status feed: every essay and batch status change of the
 * batch, in order (the bridge fills it from the status topics; the api streams it as SSE).
 */
export function liveSubject(batchId: string): string {
  return `huleedu.live.v1.${batchId}`;
}
