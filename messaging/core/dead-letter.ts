import {
  dltTopic,
  HuleEduError,
  type IncomingMessage,
  type OutgoingMessage,
} from '../../common-core/index.ts';

/** Body of a dead letter: everything needed to inspect and replay the original. */
export interface DeadLetter {
  original: {
    topic: string;
    partition: number;
    offset: string;
    key: string | null;
    headers: Record<string, string>;
    /** The payload as UTF-8 text when it is valid UTF-8, else base64. */
    payload: string;
    payload_encoding: 'utf8' | 'base64';
    timestamp: number;
  };
  error: { code: string; message: string; retryable: boolean };
  consumer_group: string;
  attempts: number;
  failed_at: string;
}

function payloadOf(value: Uint8Array): { payload: string; payload_encoding: 'utf8' | 'base64' } {
  try {
    return {
      payload: new TextDecoder('utf-8', { fatal: true }).decode(value),
      payload_encoding: 'utf8',
    };
  } catch {
    return { payload: Buffer.from(value).toString('base64'), payload_encoding: 'base64' };
  }
}

/** Describe any thrown value as a dead letter's error part. */
export function describeError(error: unknown): DeadLetter['error'] {
  if (error instanceof HuleEduError)
    return { code: error.code, message: error.message, retryable: error.retryable };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'HULEEDU_PROCESSING_FAILED', message, retryable: false };
}

/** Build the `<topic>.DLT` message for a message that failed for good. */
export function deadLetterFor(
  message: IncomingMessage,
  error: DeadLetter['error'],
  consumerGroup: string,
  attempts: number,
): OutgoingMessage {
  const body: DeadLetter = {
    original: {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key,
      headers: message.headers,
      ...payloadOf(message.value),
      timestamp: message.timestamp,
    },
    error,
    consumer_group: consumerGroup,
    attempts,
    failed_at: new Date().toISOString(),
  };
  return {
    topic: dltTopic(message.topic),
    // Keep the original key so that a replay lands on the same partition / actor.
    key: message.key ?? `${message.topic}/${message.partition}/${message.offset}`,
    value: Buffer.from(JSON.stringify(body)),
    headers: {
      ...message.headers,
      'huleedu-dlt-original-topic': message.topic,
      'huleedu-dlt-original-partition': String(message.partition),
      'huleedu-dlt-original-offset': message.offset,
      'huleedu-dlt-error-code': error.code,
    },
  };
}
