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
    /** Size of the original payload; when above the kept part, `payload` holds its start only. */
    payload_bytes: number;
    payload_truncated: boolean;
    timestamp: number;
  };
  error: { code: string; message: string; retryable: boolean };
  consumer_group: string;
  attempts: number;
  failed_at: string;
}

/**
 * At most this much of a payload is kept in a dead letter, so that the dead letter of a message
 * refused for its size still fits in Kafka (1 MB per record by default). The original stays at
 * its source (topic/partition/offset, or the JetStream stream sequence) for the rest.
 */
export const DEAD_LETTER_PAYLOAD_LIMIT = 256 * 1024;

function payloadOf(
  value: Uint8Array,
): Pick<
  DeadLetter['original'],
  'payload' | 'payload_encoding' | 'payload_bytes' | 'payload_truncated'
> {
  const truncated = value.length > DEAD_LETTER_PAYLOAD_LIMIT;
  const kept = truncated ? value.subarray(0, DEAD_LETTER_PAYLOAD_LIMIT) : value;
  const size = { payload_bytes: value.length, payload_truncated: truncated };
  try {
    // A cut may split a character: only the untruncated payload must decode strictly.
    return {
      payload: new TextDecoder('utf-8', { fatal: !truncated }).decode(kept),
      payload_encoding: 'utf8',
      ...size,
    };
  } catch {
    return { payload: Buffer.from(kept).toString('base64'), payload_encoding: 'base64', ...size };
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
