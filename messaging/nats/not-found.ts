import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';

/**
 * Whether JetStream answered that the stream (or, with `consumer`, the consumer) does not exist:
 * by the server's API code, not the message's wording. Any other failure (no connection, a
 * timeout, no permission) is not "not found" and must not be taken for it.
 */
export function isNotFound(error: unknown, what: 'stream' | 'consumer'): boolean {
  if (!(error instanceof JetStreamApiError)) return false;
  return what === 'stream'
    ? error.code === JetStreamApiCodes.StreamNotFound
    : error.code === JetStreamApiCodes.ConsumerNotFound;
}
