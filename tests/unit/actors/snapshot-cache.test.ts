import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { SnapshotCache } from '../../../actors/runtime/index.ts';

const snap = (value: string) => ({ value }) as unknown as AnyMachineSnapshot;

describe('SnapshotCache', () => {
  it('evicts the least recently used past its bound: a get or a set counts as use, a peek does not', () => {
    let t = 0;
    const cache = new SnapshotCache(2, 1_000, () => t);
    cache.set('a', snap('a1'), 1);
    cache.set('b', snap('b1'), 1);
    expect(cache.peek('a')?.version).toBe(1); // not a use: a stays the oldest
    cache.get('b');
    cache.get('a'); // a is now the newest, b the oldest
    cache.set('c', snap('c1'), 1);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    cache.set('a', snap('a2'), 2); // an update moves a to the newest end without growing
    cache.set('d', snap('d1'), 1);
    expect(cache.size).toBe(2);
    expect([cache.has('a'), cache.has('c'), cache.has('d')]).toEqual([true, false, true]);
    expect(cache.get('a')).toMatchObject({ version: 2, snapshot: { value: 'a2' } });
    t = 5;
    expect(cache.get('missing')).toBeUndefined();
  });

  it('records when each entry was last used, and sweeps exactly those idle longer than idleMs', () => {
    let t = 0;
    const cache = new SnapshotCache(10, 100, () => t);
    cache.set('old', snap('x'), 1);
    t = 50;
    cache.set('mid', snap('x'), 1);
    t = 100;
    cache.set('new', snap('x'), 1);
    expect(cache.peek('mid')?.lastUsed).toBe(50);
    t = 150; // cutoff 50: 'old' (0) and 'mid' (50, not newer than the cutoff) go
    expect(cache.sweep()).toBe(2);
    expect([cache.has('old'), cache.has('mid'), cache.has('new')]).toEqual([false, false, true]);
    t = 199;
    expect(cache.sweep()).toBe(0);
    cache.get('new'); // used at 199
    t = 250;
    expect(cache.sweep()).toBe(0);
    expect(cache.get('new')?.lastUsed).toBe(250);
  });

  it('deletes and clears', () => {
    const cache = new SnapshotCache(10, 100);
    cache.set('a', snap('a'), 1);
    cache.set('b', snap('b'), 1);
    cache.delete('a');
    expect([cache.has('a'), cache.size]).toEqual([false, 1]);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
