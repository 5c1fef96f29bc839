import { describe, expect, it } from 'vitest';
import { dltCommand } from '../../../cli/dlt-command.ts';
import { type EventEnvelope, PermanentError } from '../../../common-core/index.ts';
import { anyEnvelopeDecoder, KafkaBus, silentLogger } from '../../../messaging/index.ts';
import { asMessage, spellcheckRequest } from '../../helpers/envelopes.ts';
import { createTestTopics, testKafka, uniqueName } from '../../helpers/infra.ts';
import { waitFor } from '../../helpers/wait-for.ts';

describe('huleedu dlt (real broker)', () => {
  it('lists dead letters with their reason and coordinates, and replays them to the topic after a fix', async () => {
    const kafka = testKafka();
    const topic = uniqueName('test.dlt-tool');
    const clean = await createTestTopics(kafka, [topic], 1);
    try {
      await using bus = new KafkaBus(kafka, silentLogger);
      const pub = await bus.publisher();
      const good = spellcheckRequest('good', 1);
      const bad = spellcheckRequest('bad', 2);
      // Over the dead letter's bound: kept only in part, so a replay reads it from its source.
      const big = spellcheckRequest('big', 3, 950_000);
      await pub.publish([
        asMessage(topic, good, 'good'),
        asMessage(topic, bad, 'bad'),
        asMessage(topic, big, 'big'),
      ]);
      const broken = new Set(['bad', 'big']);
      const handled: string[] = [];
      const consumer = await bus.consume({
        groupId: uniqueName('g'),
        topics: [topic],
        decode: anyEnvelopeDecoder,
        handle: async (env: EventEnvelope<unknown>, m) => {
          if (broken.has(m.key ?? '')) throw new PermanentError(`cannot handle ${m.key} yet`);
          handled.push(env.event_id);
        },
      });
      try {
        const lines: string[] = [];
        await waitFor(
          'two dead letters',
          async () => {
            lines.length = 0;
            await dltCommand(['list', '--topic', topic], (l) => lines.push(l));
            return lines[0]?.startsWith('2 dead letter(s)');
          },
          45_000,
          500,
        );
        expect(lines[1]).toContain('HULEEDU_PROCESSING_FAILED');
        expect(lines[1]).toContain(`${topic} 0:1 key bad`);
        expect(lines[2]).toContain(`${topic} 0:2 key big`);

        const shown: string[] = [];
        expect(await dltCommand(['show', '0:0', '--topic', topic], (l) => shown.push(l))).toBe(0);
        expect(JSON.parse(shown.join('\n')).error.message).toBe('cannot handle bad yet');
        expect(await dltCommand(['show', '9:9', '--topic', topic], () => {})).toBe(1);

        // The fix; then the replay: both reach the handler again, with their original event ids.
        broken.clear();
        const out: string[] = [];
        expect(await dltCommand(['replay', '--topic', topic, '--all'], (l) => out.push(l))).toBe(0);
        expect(out.at(-1)).toBe(`replayed 2 of 2 chosen dead letter(s) to ${topic}`);
        await waitFor('replayed events handled', () => handled.length === 3, 30_000);
        expect(handled).toEqual([good.event_id, bad.event_id, big.event_id]);
      } finally {
        await consumer.close();
      }
    } finally {
      await clean();
    }
  }, 120_000);
});
