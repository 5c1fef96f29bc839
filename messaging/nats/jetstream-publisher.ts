import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { type NatsConnection, headers as natsHeaders } from '@nats-io/transport-node';
import {
  DependencyUnavailableError,
  type MessagePublisher,
  type OutgoingMessage,
} from '../../common-core/index.ts';

/** NATS has no message key; it travels in this header, both ways through the bridge. */
export const KEY_HEADER = 'huleedu-key';

/**
 * Publishes to JetStream subjects (subject = topic). `Nats-Msg-Id` is the message id (event
 * id), so a re-publish inside the stream's duplicate window is stored once. Resolves after
 * every PubAck. Publishes of one call go out in order on one connection, so order per key
 * holds.
 */
export class JetStreamPublisher implements MessagePublisher {
  private readonly js: JetStreamClient;
  /** Whether the last publish call was recognised as a duplicate, per message, for tests and metrics. */
  lastDuplicates: boolean[] = [];

  constructor(private readonly nc: NatsConnection) {
    this.js = jetstream(nc);
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (this.nc.isClosed()) throw new DependencyUnavailableError('NATS connection is closed');
    try {
      const acks = await Promise.all(
        messages.map((m) => {
          const h = natsHeaders();
          for (const [k, v] of Object.entries(m.headers ?? {})) h.set(k, v);
          h.set(KEY_HEADER, m.key);
          return this.js.publish(m.topic, m.value, {
            headers: h,
            ...(m.id ? { msgID: m.id } : {}),
          });
        }),
      );
      this.lastDuplicates = acks.map((a) => a.duplicate);
    } catch (error) {
      throw new DependencyUnavailableError(
        `JetStream publish failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** The connection belongs to the caller; closing the publisher leaves it open. */
  async close(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
