import { describe, expect, it } from 'vitest';
import { type ActorRuntime, type Delivery, TimerPoller } from '../../../actors/runtime/index.ts';
import type { DueTimerRow, OutboxRepository } from '../../../db/index.ts';
import { silentLogger } from '../../../messaging/index.ts';
import { waitFor } from '../../helpers/wait-for.ts';

/** One due timer (at the first poll; none after): what the poller asks for and hands the runtime. */
function fakes() {
  const due: DueTimerRow = {
    actorType: 'essay',
    actorId: 'essay-1',
    timerKey: 'spellcheck-dispatch',
    seq: 2,
    dueAt: new Date(0),
    event: { type: 'DISPATCH_SPELLCHECK' },
  };
  const processed: Delivery[][] = [];
  let polls = 0;
  const repository = {
    // Only the first poll finds it: a poller that finds timers polls again at once, and these
    // fakes never wait on I/O, so an endless supply would never let the test's timers run.
    dueTimers: async () => (++polls === 1 ? [due] : []),
  } as unknown as OutboxRepository;
  const runtime = {
    process: async (deliveries: Delivery[]) => {
      processed.push(deliveries);
      return { applied: deliveries.length, rejected: 0, duplicates: 0, stateChanges: [] };
    },
  } as unknown as ActorRuntime;
  return { repository, runtime, processed, polls: () => polls };
}

describe('timer poller', () => {
  it('fires a due timer as the event of its arming, with the timer to delete', async () => {
    const f = fakes();
    expect(await new TimerPoller(f.repository, f.runtime, silentLogger).fireDue()).toBe(1);
    expect(f.processed).toEqual([
      [
        {
          actorType: 'essay',
          actorId: 'essay-1',
          eventId: 'timer:spellcheck-dispatch:2',
          event: { type: 'DISPATCH_SPELLCHECK' },
          firedTimer: { timerKey: 'spellcheck-dispatch', seq: 2 },
        },
      ],
    ]);
  });

  it('with a lease, fires nothing while another process holds it, and starts when it gets it', async () => {
    const f = fakes();
    let mine = false;
    let asked = 0;
    const poller = new TimerPoller(f.repository, f.runtime, silentLogger, {
      intervalMs: 5,
      lease: {
        held: async () => {
          asked++;
          return mine;
        },
      },
    });
    poller.start();
    try {
      await waitFor('the lease asked a few times', () => asked >= 5);
      expect(f.polls()).toBe(0);
      expect(f.processed).toEqual([]);
      mine = true;
      await waitFor('timers fired', () => f.processed.length > 0);
    } finally {
      await poller.stop();
    }
  });
});
