import { describe, expect, it } from 'vitest';
import { ProgressWatch } from '../../../messaging/index.ts';

describe('ProgressWatch', () => {
  it('measures how long the oldest unfinished lane has waited', () => {
    let now = 1_000;
    const watch = new ProgressWatch(() => now);
    expect(watch.stalledMs()).toBe(0);
    watch.begin('t/0');
    now += 500;
    watch.begin('t/1');
    now += 500;
    expect(watch.stalledMs()).toBe(1_000);
    watch.advanced('t/0');
    expect(watch.stalledMs()).toBe(500);
    watch.advanced('t/1');
    expect(watch.stalledMs()).toBe(0);
  });

  it('keeps the first start across failed attempts (a message retried forever shows as a stall)', () => {
    let now = 0;
    const watch = new ProgressWatch(() => now);
    for (let attempt = 0; attempt < 5; attempt++) {
      watch.begin('t/0'); // fetched again after each failure; never advanced
      now += 10_000;
    }
    expect(watch.stalledMs()).toBe(50_000);
  });

  it('forgets lanes no longer assigned', () => {
    let now = 0;
    const watch = new ProgressWatch(() => now);
    watch.begin('t/0');
    watch.begin('t/1');
    now = 100;
    watch.retain(new Set(['t/1']));
    watch.advanced('t/1');
    expect(watch.stalledMs()).toBe(0);
  });

  it('keeps the lanes still assigned, with their clocks; clear forgets every lane', () => {
    let now = 0;
    const watch = new ProgressWatch(() => now);
    watch.begin('t/0');
    watch.begin('t/1');
    now = 100;
    watch.retain(new Set(['t/0']));
    expect(watch.stalledMs(), 'the retained lane kept its clock').toBe(100);
    watch.clear();
    expect(watch.stalledMs()).toBe(0);
  });
});
