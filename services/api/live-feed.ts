import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

/** One message of a live subject with its stream sequence (the SSE event id). */
export interface LiveMessage {
  seq: number;
  data: Uint8Array;
  /** Messages of the subject after this one, as the server counted when it delivered it. */
  pending: number;
}

/** A batch's live subject in JetStream: where it stands, and everything after a sequence. */
export interface LiveFeed {
  /** The stream sequence of the subject's last message; 0 when it has none. */
  lastSequence(subject: string): Promise<number>;
  /**
   * Messages of `subject` with a sequence above `afterSeq`, in order, until `signal` aborts.
   * An ordered consumer: no state left on the server when the client goes.
   */
  follow(subject: string, afterSeq: number, signal: AbortSignal): AsyncIterable<LiveMessage>;
}

/** The live feed on a JetStream stream (the one the bridge writes status subjects to). */
export function jetStreamLiveFeed(nc: NatsConnection, stream: string): LiveFeed {
  const js = jetstream(nc);
  const managerOf = jetstreamManager(nc);
  return {
    async lastSequence(subject) {
      const jsm = await managerOf;
      const last = await jsm.streams.getMessage(stream, { last_by_subj: subject });
      return last?.seq ?? 0;
    },
    async *follow(subject, afterSeq, signal) {
      const consumer = await js.consumers.get(stream, {
        // A string, not a list: a list needs nats-server 2.10, and this runs on 2.9 too.
        filter_subjects: subject,
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: afterSeq + 1,
      });
      const messages = await consumer.consume();
      const stop = (): void => {
        void messages.close().catch(() => {});
      };
      signal.addEventListener('abort', stop, { once: true });
      try {
        if (signal.aborted) return;
        for await (const m of messages) {
          yield { seq: m.seq, data: m.data, pending: m.info.pending };
          if (signal.aborted) return;
        }
      } finally {
        signal.removeEventListener('abort', stop);
        stop();
      }
    },
  };
}
