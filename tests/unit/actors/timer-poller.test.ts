import { describe, expect, it } from 'vitest';
import { type ActorRuntime, type Delivery, TimerPoller } from '../../../actors/runtime/index.ts';
import type { DueTimerRow, OutboxRepository } from '../../../db/index.ts';
import { silentLogger } from '../../../messaging/index.ts';
import { recordingLogger } from '../../helpers/recording-logger.ts';
import { threeTicksOf, waitFor } from '../../helpers/wait-for.ts';

/** One due timer (at the first poll; none after): what the poller asks for and hands the runtime. */
function fakes() {
  const due: DueTimerRow = {
    actorType: 'essay',
    actorId: 'essay-1',
    timerKey: 'spellcheck-dispatch',
    seq: 2,
    dueAt: new Date(0),
    event: { type: 'DISPATCH_PHASE', phase: 'spellcheck' },
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
          event: { type: 'DISPATCH_PHASE', phase: 'spellcheck' },
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

  it('asks for at most 500 due timers as of now (or the clock it is given), and nothing when none is due', async () => {
    const asked: [Date, number][] = [];
    const repository = {
      dueTimers: async (now: Date, limit: number) => {
        asked.push([now, limit]);
        return [];
      },
    } as unknown as OutboxRepository;
    const f = fakes();
    const at = new Date('2026-12-01T10:00:00Z');
    expect(
      await new TimerPoller(repository, f.runtime, silentLogger, { now: () => at }).fireDue(),
    ).toBe(0);
    const before = Date.now();
    await new TimerPoller(repository, f.runtime, silentLogger, { batchSize: 7 }).fireDue();
    expect(asked[0]).toEqual([at, 500]);
    expect(asked[1]?.[1]).toBe(7);
    expect(asked[1]?.[0].getTime()).toBeGreaterThanOrEqual(before);
    expect(f.processed, 'the runtime called with nothing to do').toEqual([]);
  });

  it('logs a failed round and keeps polling', async () => {
    const f = fakes();
    const logger = recordingLogger();
    let failures = 1;
    const repository = {
      dueTimers: async (...args: unknown[]) => {
        if (failures-- > 0) throw new Error('database away');
        return (f.repository.dueTimers as (...a: unknown[]) => Promise<unknown>)(...args);
      },
    } as unknown as OutboxRepository;
    const poller = new TimerPoller(repository, f.runtime, logger, { intervalMs: 5 });
    poller.start();
    try {
      await waitFor('timers fired after the failure', () => f.processed.length > 0);
    } finally {
      await poller.stop();
    }
    expect(logger.records).toEqual([
      { level: 'warn', fields: { err: 'database away' }, msg: 'timer poller failed; retrying' },
    ]);
  });

  it('stops polling when stopped', async () => {
    let polls = 0;
    const repository = {
      dueTimers: async () => {
        polls++;
        return [];
      },
    } as unknown as OutboxRepository;
    const poller = new TimerPoller(repository, fakes().runtime, silentLogger, { intervalMs: 5 });
    poller.start();
    await waitFor('a few polls', () => polls >= 2);
    await poller.stop();
    const after = polls;
    await threeTicksOf(5, 'the poll period');
    expect(polls, 'polls after stop').toBe(after);
  });
});
