import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/transport-node';
import type {
  ConsumeOptions,
  Headers,
  IncomingMessage,
  Logger,
  MessageConsumer,
  MessagePublisher,
} from '../../common-core/index.ts';
import { backoffDelay } from '../core/backoff.ts';
import { DeliveryInterruptedError, deliver } from '../core/deliver.ts';
import type { MessagingMetrics } from '../core/messaging-metrics.ts';
import { ProgressWatch } from '../core/progress-watch.ts';
import { JETSTREAM_NAK_BACKOFF } from '../core/retry-policies.ts';
import { KEY_HEADER } from './jetstream-publisher.ts';

export interface JetStreamConsumerDeps {
  nc: NatsConnection;
  /** The stream holding the consumed subjects. */
  stream: string;
  deadLetterPublisher: MessagePublisher;
  logger: Logger;
  metrics?: MessagingMetrics;
  /** How long the server waits for an ack before redelivering. */
  ackWaitMs?: number;
}

/** A JetStream durable name for a group and subject (durables may not contain dots). */
export function durableName(groupId: string, subject: string): string {
  return `${groupId}__${subject}`.replace(/[^A-Za-z0-9_-]/g, '_');
}

function toIncoming(m: JsMsg): IncomingMessage {
  const headers: Headers = {};
  let key: string | null = null;
  if (m.headers) {
    for (const [k, values] of m.headers) {
      const last = values[values.length - 1];
      if (last === undefined) continue;
      if (k === KEY_HEADER) key = last;
      else headers[k] = last;
    }
  }
  return {
    topic: m.subject,
    partition: 0,
    offset: String(m.seq),
    key,
    value: m.data,
    headers,
    timestamp: m.info.timestampNanos ? Number(m.info.timestampNanos / 1_000_000) : Date.now(),
  };
}

/**
 * Durable pull consumer(s), one per subject (NATS 2.9 allows one filter subject each).
 * A message is acked (double-acked: the server confirms) only after `deliver` made its
 * outcome durable; on shutdown mid-retry it is nak'ed for prompt redelivery.
 */
export class JetStreamMessageConsumer implements MessageConsumer {
  private readonly abort = new AbortController();
  private readonly progress = new ProgressWatch();
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly iterators: ConsumerMessages[],
    private readonly loops: Promise<void>[],
  ) {}

  static async start<T>(
    options: ConsumeOptions<T>,
    deps: JetStreamConsumerDeps,
  ): Promise<JetStreamMessageConsumer> {
    const jsm = await jetstreamManager(deps.nc);
    const js = jetstream(deps.nc);
    const iterators: ConsumerMessages[] = [];
    const self = new JetStreamMessageConsumer(iterators, []);
    const logger = deps.logger.child({ consumer_group: options.groupId });
    for (const subject of options.topics) {
      const durable = durableName(options.groupId, subject);
      const config = {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        filter_subject: subject,
        ack_wait: nanos(deps.ackWaitMs ?? 30_000),
        deliver_policy: options.fromBeginning === false ? DeliverPolicy.New : DeliverPolicy.All,
      };
      try {
        await jsm.consumers.info(deps.stream, durable);
      } catch {
        await jsm.consumers.add(deps.stream, config);
      }
      const consumer = await js.consumers.get(deps.stream, durable);
      const messages = await consumer.consume({ max_messages: 256 });
      iterators.push(messages);
      self.loops.push(
        (async () => {
          for await (const m of messages) {
            const incoming = toIncoming(m);
            self.progress.begin(subject);
            try {
              await deliver(incoming, options, {
                deadLetter: (dl) => deps.deadLetterPublisher.publish([dl]),
                metrics: deps.metrics,
                logger,
                signal: self.abort.signal,
                heartbeat: async () => m.working(),
              });
              await m.ackAck();
              self.progress.advanced(subject);
            } catch (error) {
              if (!(error instanceof DeliveryInterruptedError)) {
                logger.error(
                  { err: (error as Error).message, subject, seq: m.seq },
                  'delivery failed; nak',
                );
              }
              m.nak(backoffDelay(JETSTREAM_NAK_BACKOFF, m.info.deliveryCount));
            }
            if (self.abort.signal.aborted) break;
          }
        })(),
      );
    }
    return self;
  }

  stalledMs(): number {
    return this.progress.stalledMs();
  }

  /** Stop pulling, finish the message in hand, ack it, and return. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.abort.abort();
      for (const it of this.iterators) it.stop();
      await Promise.allSettled(this.loops);
    })();
    return this.closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
