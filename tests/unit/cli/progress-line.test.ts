import { describe, expect, it } from 'vitest';
import { ProgressLine } from '../../../cli/progress-line.ts';

describe('ProgressLine', () => {
  it('on a terminal rewrites one line in place and ends it; elsewhere writes plain lines', () => {
    const tty: string[] = [];
    const bar = new ProgressLine(4, { tty: true, write: (t) => tty.push(t) });
    bar.update(1, true);
    bar.update(2); // within 100 ms of the last: not drawn
    bar.update(4, true);
    bar.finish();
    expect(tty).toHaveLength(3);
    const ERASE = '\u001b[K';
    expect(tty[0]?.endsWith(ERASE)).toBe(true);
    expect(tty[0]).toMatch(/^\r\[######\.{18}\] 1\/4 essays, [\d.]+\/s, ETA \d+ s/);
    expect(tty[1]?.endsWith(ERASE)).toBe(true);
    expect(tty[1]).toMatch(/^\r\[#{24}\] 4\/4 essays, [\d.]+\/s.\[K$/);
    expect(tty[2]).toBe('\n');

    const plain: string[] = [];
    const log = new ProgressLine(2, { tty: false, write: (t) => plain.push(t) });
    log.update(2, true);
    log.finish();
    expect(plain).toEqual([expect.stringMatching(/^\[#{24}\] 2\/2 essays, [\d.]+\/s\n$/)]);
  });
});
