import { describe, expect, it } from 'vitest';
import { mapInOrder } from '../../../../services/spellchecker/map-in-order.ts';

/** A promise and its resolver, to finish calls in an order the test chooses. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

describe('mapInOrder', () => {
  it('returns results in the items order whatever order the calls finish in', async () => {
    const gates = [gate(), gate(), gate()];
    const run = mapInOrder([0, 1, 2], 3, async (x) => {
      await gates[x]?.promise;
      return x * 10;
    });
    gates[2]?.open();
    gates[0]?.open();
    gates[1]?.open();
    expect(await run).toEqual([0, 10, 20]);
  });

  it('never has more than `concurrency` calls in flight, and uses them all', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapInOrder(
      Array.from({ length: 20 }, (_, i) => i),
      4,
      async (x, i) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        return x + i;
      },
    );
    expect(most).toBe(4);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => 2 * i));
  });

  it('rejects with the first failure once the started calls settled, and starts no more', async () => {
    const started: number[] = [];
    let settled = 0;
    const error = await mapInOrder([0, 1, 2, 3, 4, 5], 2, async (x) => {
      started.push(x);
      await new Promise((r) => setImmediate(r));
      settled++;
      if (x === 1) throw new Error('one failed');
      return x;
    }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('one failed');
    expect(started).toEqual([0, 1, 2]);
    expect(settled).toBe(started.length);
  });

  it('an empty list gives an empty list; a concurrency below 1 is refused', async () => {
    expect(await mapInOrder([], 4, async () => 1)).toEqual([]);
    await expect(mapInOrder([1], 0, async () => 1)).rejects.toThrow(
      'concurrency must be a whole number >= 1, got 0',
    );
  });
});
