import type { Logger } from '../../common-core/index.ts';
import type { OutboxRepository } from '../../db/index.ts';
import { sleep } from '../../messaging/index.ts';
import type { ActorRuntime } from './actor-runtime.ts';
import type { Delivery } from './types.ts';

/**
 * Turns due durable timers into events for their actors through the runtime. The runtime
 * deletes a fired timer in the same transaction that applies its event (unless it was re-armed
 * meanwhile), so a timer fires after a restart and never twice. The event id names the arming
 * (the actor's version when armed): a re-armed timer is a new event.
 *
 * With a `lease`, the running poller fires timers only while it holds the lease: of several
 * hosts, one fires them at a time (the others would race it for the same timers, and lose by
 * rolling back).
 */
export class TimerPoller {
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly repository: OutboxRepository,
    private readonly runtime: ActorRuntime,
    private readonly logger: Logger,
    private readonly options: {
      intervalMs?: number | undefined;
      batchSize?: number;
      now?: () => Date;
      lease?: { held(): Promise<boolean> };
    } = {},
  ) {}

  /** Fire every timer due now; resolves to how many. */
  async fireDue(): Promise<number> {
    const now = (this.options.now ?? (() => new Date()))();
    const due = await this.repository.dueTimers(now, this.options.batchSize ?? 500);
    if (due.length === 0) return 0;
    const deliveries: Delivery[] = due.map((t) => ({
      actorType: t.actorType as Delivery['actorType'],
      actorId: t.actorId,
      eventId: `timer:${t.timerKey}:${t.seq}`,
      event: t.event,
      firedTimer: { timerKey: t.timerKey, seq: t.seq },
    }));
    await this.runtime.process(deliveries);
    return due.length;
  }

  start(): void {
    this.loop ??= (async () => {
      while (!this.abort.signal.aborted) {
        try {
          const mine = (await this.options.lease?.held()) ?? true;
          if (mine && (await this.fireDue()) > 0) continue;
        } catch (error) {
          this.logger.warn({ err: (error as Error).message }, 'timer poller failed; retrying');
        }
        await sleep(this.options.intervalMs ?? 250, this.abort.signal);
      }
    })();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }
}
