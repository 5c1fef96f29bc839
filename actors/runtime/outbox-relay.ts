import type { Logger, MessagePublisher } from '../../common-core/index.ts';
import type { OutboxRepository } from '../../db/index.ts';
import { sleep } from '../../messaging/index.ts';

export interface OutboxRelayOptions {
  batchSize?: number;
  /** Pause when the outbox is empty; default 100 ms. */
  idleMs?: number | undefined;
  /**
   * Sent rows older than this are pruned (default 1 h). 0 keeps none: each row is deleted in
   * the transaction that published it (see `SentRows`), the cheapest for the database.
   */
  retainSentMs?: number | undefined;
  /** How often the running relay prunes sent rows (default 60 s). */
  pruneEveryMs?: number | undefined;
}

/**
 * Publishes outbox rows in id order (so in order per key) and marks them sent in the same
 * transaction that locked them. A crash between the publish and the commit republishes those
 * rows on restart: at-least-once, with the same event ids, which consumers deduplicate.
 */
export class OutboxRelay {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly repository: OutboxRepository,
    private readonly publisher: MessagePublisher,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions = {},
  ) {}

  /** Publish everything pending now; resolves to the number of rows sent. */
  async drain(): Promise<number> {
    const sentRows = this.options.retainSentMs === 0 ? 'delete' : 'mark';
    let total = 0;
    for (;;) {
      const sent = await this.repository.relayBatch(
        this.options.batchSize ?? 500,
        (rows) =>
          this.publisher.publish(
            rows.map((r) => ({
              topic: r.topic,
              key: r.key,
              headers: r.headers,
              value: Buffer.from(r.payload, 'utf8'),
              id: r.eventId,
            })),
          ),
        sentRows,
      );
      total += sent;
      if (sent === 0) return total;
    }
  }

  /** Ask the running relay to look now (after a write), instead of at its next tick. */
  poke(): void {
    this.wake?.();
  }

  start(): void {
    this.loop ??= (async () => {
      let lastPrune = Date.now();
      while (!this.abort.signal.aborted) {
        try {
          const sent = await this.drain();
          // Also with a retention of 0: rows marked sent under an earlier setting still go.
          if (Date.now() - lastPrune >= (this.options.pruneEveryMs ?? 60_000)) {
            lastPrune = Date.now();
            await this.repository.pruneSent(this.options.retainSentMs ?? 3_600_000);
          }
          if (sent > 0) continue;
        } catch (error) {
          this.logger.warn({ err: (error as Error).message }, 'outbox relay failed; retrying');
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          void sleep(this.options.idleMs ?? 100, this.abort.signal).then(resolve);
        });
      }
    })();
  }

  /** Stop after the current batch; then publish what is left once. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.wake?.();
    await this.loop;
    await this.drain().catch((e: unknown) =>
      this.logger.warn({ err: (e as Error).message }, 'final outbox drain failed'),
    );
  }
}
