import { describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/processes.ts';

describe('freePort', () => {
  it('never hands out the same port twice, even when the OS offers it again (bug: two chaos services shared one and one failed with EADDRINUSE)', async () => {
    const offers = [61_001, 61_001, 61_001, 61_002];
    const probe = async () => offers.shift() ?? 61_003;
    expect([await freePort(probe), await freePort(probe)]).toEqual([61_001, 61_002]);
    const real = [await freePort(), await freePort(), await freePort()];
    expect(new Set(real).size).toBe(3);
  });
});
