import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TransientError } from '../../../common-core/index.ts';
import {
  anyEnvelopeDecoder,
  type DeadLetter,
  durableName,
  JetStreamBus,
  JetStreamMessageConsumer,
  JetStreamPublisher,
  silentLogger,
} from '../../../messaging/index.ts';
import { asMessage, spellcheckRequest } from '../../helpers/envelopes.ts';
import { createTestStream, type TestStream } from '../../helpers/infra.ts';
import { poisonSuite } from '../../helpers/poison-suite.ts';
import { waitFor } from '../../helpers/wait-for.ts';

describe('NATS JetStream bus (real server)', () => {
  let s: TestStream;
  beforeEach(async () => {
    s = await createTestStream();
  });
  afterEach(async () => {
    await s.cleanup();
  });

  it('stores a message published twice with the same msgID once', async () => {
    const pub = new JetStreamPublisher(s.nc);
    const subject = s.subject('dedup');
    const env = spellcheckRequest('essay-1');
    await pub.publish([asMessage(subject, env, 'essay-1')]);
    expect(pub.lastDuplicates).toEqual([false]);
    await pub.publish([asMessage(subject, env, 'essay-1')]);
    expect(pub.lastDuplicates).toEqual([true]);
    const info = await s.jsm.streams.info(s.stream);
    expect(info.state.messages).toBe(1);
  });

  it('delivers to a durable consumer in order, with key and headers, and acks after the handler', async () => {
    const pub = new JetStreamPublisher(s.nc);
    const subject = s.subject('ordered');
    const envs = Array.from({ length: 50 }, (_, i) => spellcheckRequest('essay-o', i));
    await pub.publish(envs.map((e) => asMessage(subject, e, 'essay-o')));
    const seen: string[] = [];
    await using _c = await JetStreamMessageConsumer.start(
      {
        groupId: 'g1',
        topics: [subject],
        decode: anyEnvelopeDecoder,
        handle: async (env, m) => {
          expect(m.key).toBe('essay-o');
          expect(m.headers['x-test']).toBe('yes');
          seen.push(env.event_id);
        },
      },
      { nc: s.nc, stream: s.stream, deadLetterPublisher: pub, logger: silentLogger },
    );
    await waitFor('50 delivered', () => seen.length === 50);
    expect(seen).toEqual(envs.map((e) => e.event_id));
    await waitFor(
      'all acked',
      async () =>
        (await s.jsm.consumers.info(s.stream, durableName('g1', subject))).num_ack_pending === 0,
    );
  });

  it('redelivers a message left unacked by a consumer that stopped', async () => {
    const pub = new JetStreamPublisher(s.nc);
    const subject = s.subject('redeliver');
    const env = spellcheckRequest('essay-r');
    await pub.publish([asMessage(subject, env, 'essay-r')]);
    const deps = { nc: s.nc, stream: s.stream, deadLetterPublisher: pub, logger: silentLogger };
    let firstSaw = 0;
    const first = await JetStreamMessageConsumer.start(
      {
        groupId: 'g2',
        topics: [subject],
        decode: anyEnvelopeDecoder,
        // Keeps failing with a long backoff: the message is still unacked when we stop.
        retry: { maxRetries: 10, initialDelayMs: 60_000, maxDelayMs: 60_000 },
        handle: async () => {
          firstSaw++;
          throw new TransientError('not yet');
        },
      },
      deps,
    );
    await waitFor('first consumer saw it', () => firstSaw === 1);
    await first.close();
    const redelivered: string[] = [];
    await using _second = await JetStreamMessageConsumer.start(
      {
        groupId: 'g2',
        topics: [subject],
        decode: anyEnvelopeDecoder,
        handle: async (e, m) => {
          redelivered.push(`${e.event_id}@${m.offset}`);
        },
      },
      deps,
    );
    await waitFor('redelivered to the restarted durable', () => redelivered.length === 1, 15_000);
    expect(redelivered[0]).toBe(`${env.event_id}@1`);
  });

  it('dead-letters poison to <subject>.DLT with the reason', async () => {
    const pub = new JetStreamPublisher(s.nc);
    const subject = s.subject('poison');
    await pub.publish([
      { topic: subject, key: 'k', value: Buffer.from('<xml/>'), headers: { a: 'b' } },
    ]);
    await using _c = await JetStreamMessageConsumer.start(
      { groupId: 'g3', topics: [subject], decode: anyEnvelopeDecoder, handle: async () => {} },
      { nc: s.nc, stream: s.stream, deadLetterPublisher: pub, logger: silentLogger },
    );
    const msg = await waitFor('dead letter stored', async () => {
      const stored = await s.jsm.streams
        .getMessage(s.stream, { last_by_subj: `${subject}.DLT` })
        .catch(() => null);
      return stored ?? undefined;
    });
    const body = msg.json<DeadLetter>();
    expect(body.error.code).toBe('HULEEDU_INVALID_JSON');
    expect(body.original).toMatchObject({
      topic: subject,
      offset: '1',
      key: 'k',
      payload: '<xml/>',
      headers: { a: 'b' },
    });
  });
});

describe('NATS JetStream bus: poison through every consumer path (real server)', () => {
  let s: TestStream;
  let n = 0;
  beforeAll(async () => {
    s = await createTestStream();
  });
  afterAll(async () => {
    await s?.cleanup();
  });
  poisonSuite({
    // The bus's close() drains the connection, which the stream's cleanup does too: one bus
    // per suite, never closed here.
    bus: () => new JetStreamBus(s.nc, s.stream, silentLogger),
    topic: async () => s.subject(`poison-${n++}`),
    deadLetters: async (topic, count) => {
      const out: DeadLetter[] = [];
      await waitFor(`${count} dead letters on ${topic}.DLT`, async () => {
        out.length = 0;
        const info = await s.jsm.streams.info(s.stream);
        for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
          const m = await s.jsm.streams.getMessage(s.stream, { seq }).catch(() => null);
          if (m?.subject === `${topic}.DLT`) out.push(m.json<DeadLetter>());
        }
        return out.length >= count;
      });
      return out.slice(0, count);
    },
    waitMs: 30_000,
  });
});
