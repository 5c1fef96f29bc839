import {
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../../../common-core/index.ts';
import { refusedForGood } from '../../../../messaging/index.ts';

const protocol = (type: string, retriable = false) =>
  new KafkaJSProtocolError({ type, code: 0, retriable, message: type } as never);
const wrapped = (cause: Error) =>
  new DependencyUnavailableError(`Kafka publish failed: ${cause.message}`, { cause });

describe('refusedForGood', () => {
  it('recognises records the broker will never take, however wrapped', () => {
    expect(refusedForGood(wrapped(protocol('MESSAGE_TOO_LARGE')))).toBe(true);
    expect(refusedForGood(wrapped(protocol('RECORD_LIST_TOO_LARGE')))).toBe(true);
    expect(
      refusedForGood(
        wrapped(
          new KafkaJSNumberOfRetriesExceeded(protocol('INVALID_RECORD'), {
            retryCount: 1,
            retryTime: 1,
          } as never),
        ),
      ),
    ).toBe(true);
  });

  it('does not take an outage for a refusal (bug: messages went to the DLT while Kafka was away)', () => {
    const exhausted = new KafkaJSNumberOfRetriesExceeded(
      new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'),
      { retryCount: 8, retryTime: 5000 } as never,
    );
    expect(exhausted.retriable).toBe(false); // what the old check relied on
    expect(refusedForGood(wrapped(exhausted))).toBe(false);
    expect(refusedForGood(wrapped(protocol('NOT_LEADER_FOR_PARTITION', true)))).toBe(false);
    expect(refusedForGood(new Error('boom'))).toBe(false);
    expect(refusedForGood(undefined)).toBe(false);
  });
});
