import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropKafkajsNegativeTimeoutWarnings } from '../../../../messaging/kafka/kafkajs-timeout-warning.ts';

type Emit = (message: string, type: string) => void;

/** Warnings emitted by `act`, by name (they are delivered on the next tick). */
async function warningsOf(act: () => void): Promise<string[]> {
  const seen: string[] = [];
  const listener = (w: Error) => void seen.push(w.name);
  process.on('warning', listener);
  try {
    act();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

describe('dropKafkajsNegativeTimeoutWarnings', () => {
  let dir: string;
  let fromKafkajs: Emit;
  beforeAll(() => {
    // A function whose frame is in a `kafkajs` folder, as kafkajs' request queue is.
    dir = mkdtempSync(join(tmpdir(), 'warn-'));
    mkdirSync(join(dir, 'kafkajs'));
    const file = join(dir, 'kafkajs', 'emit.cjs');
    writeFileSync(
      file,
      'module.exports = (message, type) => { process.emitWarning(message, type); };\n',
    );
    fromKafkajs = createRequire(file)(file) as Emit;
    dropKafkajsNegativeTimeoutWarnings();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("drops kafkajs' negative-timeout warning", async () => {
    expect(
      await warningsOf(() =>
        fromKafkajs('-1795964710691 is a negative number.', 'TimeoutNegativeWarning'),
      ),
    ).toEqual([]);
  });

  // Node prints the two kept warnings on stderr: that is them being kept.
  it('keeps the same warning from anywhere else, and other warnings from kafkajs', async () => {
    expect(
      await warningsOf(() => {
        process.emitWarning('-5 is a negative number.', 'TimeoutNegativeWarning');
        fromKafkajs('something else', 'DeprecationWarning');
      }),
    ).toEqual(['TimeoutNegativeWarning', 'DeprecationWarning']);
  });

  it('wraps emitWarning once, however many clients are created', () => {
    const wrapped = process.emitWarning;
    dropKafkajsNegativeTimeoutWarnings();
    expect(process.emitWarning).toBe(wrapped);
  });
});
