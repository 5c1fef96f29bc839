import type { JetStreamManager } from '@nats-io/jetstream';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../../common-core/index.ts';
import {
  connectNats,
  createKafka,
  ensureStream,
  ensureTopics,
  JetStreamPublisher,
  KafkaPublisher,
  silentLogger,
} from '../../../messaging/index.ts';
import { portOpen } from '../../../scripts/kafka-broker.ts';
import { type BridgeProcess, bridgeProcess } from '../../helpers/bridge-process.ts';
import { numberedMessages } from '../../helpers/envelopes.ts';
import { readTopic, topicSize } from '../../helpers/infra.ts';
import { type ScratchServer, startScratchKafka, startScratchNats } from '../../helpers/servers.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const STREAM = 'OUTAGE';

/**
 * Servers of the test's own, so that taking one away does not disturb other tests: the
 * bridge must report the outage on /healthz (503) and then bridge everything once it is over.
 */
describe('bridge through a Kafka outage and a NATS outage (scratch servers)', () => {
  let natsServer: ScratchServer;
  let kafkaServer: ScratchServer;
  let kafka: Kafka;
  let bridge: BridgeProcess;

  beforeAll(async () => {
    [natsServer, kafkaServer] = await Promise.all([startScratchNats(), startScratchKafka()]);
    kafka = createKafka({
      brokers: [kafkaServer.address],
      clientId: 'huleedu-tests',
      logger: silentLogger,
      retries: 20,
    });
    await ensureTopics(kafka, {
      topics: ['outage.in', 'outage.in.DLT', 'outage.out', 'outage.out.DLT'],
      partitions: 3,
      replicationFactor: 1,
      timeoutMs: 20_000,
      logger: silentLogger,
    });
    const nc = await connectNats([natsServer.address], 'huleedu-tests');
    await ensureStream(await jetstreamManager(nc), {
      name: STREAM,
      subjects: ['outage.>'],
      duplicateWindowMs: 600_000,
    });
    await nc.close();
    bridge = await bridgeProcess({
      routes: {
        natsToKafka: [
          {
            name: 'in',
            stream: STREAM,
            subject: 'outage.nats.in',
            durable: 'b',
            topic: 'outage.in',
          },
        ],
        kafkaToNats: [
          { name: 'out', topic: 'outage.out', group: 'bridge', subject: 'outage.nats.out.{key}' },
        ],
      },
      natsServers: natsServer.address,
      kafkaBrokers: kafkaServer.address,
    });
    await bridge.start();
  }, 120_000);
  afterAll(async () => {
    await bridge?.cleanup();
    await Promise.all([natsServer?.cleanup(), kafkaServer?.cleanup()]);
  });

  async function withNats<T>(fn: (nc: NatsConnection, jsm: JetStreamManager) => Promise<T>) {
    const nc = await connectNats([natsServer.address], 'huleedu-tests');
    try {
      return await fn(nc, await jetstreamManager(nc));
    } finally {
      await nc.close();
    }
  }
  const toNats = (batch: OutgoingMessage[]) =>
    withNats((nc) => new JetStreamPublisher(nc).publish(batch));
  const sentOut = new Set<string | undefined>();
  const toKafka = async (batch: OutgoingMessage[]) => {
    for (const m of batch) sentOut.add(m.id);
    const producer = await KafkaPublisher.connect(kafka);
    try {
      await producer.publish(batch);
    } finally {
      await producer.close();
    }
  };
  const storedOut = () =>
    withNats(async (_, jsm) => {
      const info = await jsm.streams.info(STREAM, { subjects_filter: 'outage.nats.out.>' });
      return Object.values(info.state.subjects ?? {}).reduce((n, c) => n + c, 0);
    });
  const health = async (want: 'up' | 'down', server: 'kafka' | 'nats') =>
    waitFor(
      `bridge reports ${server} ${want}`,
      async () => {
        const h = await bridge.health();
        return (
          h.body.servers[server] === want &&
          h.status === (want === 'up' ? 200 : 503) &&
          Object.values(h.body.routes).every((r) => r === want) &&
          h
        );
      },
      60_000,
      100,
    );
  /** How many times each id occurs: a repeat shows here, where a Set would hide it. */
  const occurrences = (ids: readonly string[]) => {
    const n = new Map<string, number>();
    for (const id of ids) n.set(id, (n.get(id) ?? 0) + 1);
    return n;
  };
  /** Every event id now on `outage.in` (the whole topic, repeats included). */
  const idsInKafka = async () =>
    (await readTopic(kafka, 'outage.in', await topicSize(kafka, 'outage.in'), 60_000)).map(
      (m) => (JSON.parse(m.value) as { event_id: string }).event_id,
    );
  /** Every Nats-Msg-Id on the bridge's target subjects (repeats included). */
  const idsInJetStream = () =>
    withNats(async (_, jsm) => {
      const out: string[] = [];
      const info = await jsm.streams.info(STREAM);
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const m = await jsm.streams.getMessage(STREAM, { seq }).catch(() => null);
        if (m?.subject.startsWith('outage.nats.out.')) out.push(m.header?.get('Nats-Msg-Id') ?? '');
      }
      return out;
    });
  /**
   * What a case's messages became on one side: the ids sent that never arrived, and the number of
   * extra copies (each with its original id) among those that did.
   */
  const arrivals = (sent: readonly OutgoingMessage[], found: readonly string[]) => {
    const counts = occurrences(found);
    const ids = sent.map((m) => m.id as string);
    return {
      missing: ids.filter((id) => !counts.has(id)),
      repeats: ids.reduce((n, id) => n + Math.max(0, (counts.get(id) ?? 0) - 1), 0),
    };
  };
  /** Each case starts with both servers up and the bridge healthy, whatever the case before did. */
  beforeEach(async () => {
    for (const server of [kafkaServer, natsServer])
      if (!(await portOpen(Number(server.address.split(':')[1])))) await server.start();
    await health('up', 'kafka');
  }, 120_000);

  it('Kafka away: 503 while it is down, then every message published meanwhile arrives, none lost, repeats only from the write in flight', async () => {
    const before = numberedMessages('outage.nats.in', 0, 300, 7);
    const during = numberedMessages('outage.nats.in', 300, 300, 7);
    const out = [
      ...numberedMessages('outage.out', 0, 200, 7),
      ...numberedMessages('outage.out', 200, 200, 7),
    ];
    const storedBefore = await storedOut();
    await toNats(before);
    await toKafka(out.slice(0, 200));
    await waitFor(
      'the first 200 Kafka -> NATS messages stored',
      async () => (await storedOut()) === storedBefore + 200,
      30_000,
      100,
    );

    await kafkaServer.stop('SIGKILL');
    await toNats(during); // NATS still takes them; they wait in the durable consumer
    const down = await health('down', 'kafka');
    expect(down.body.servers.nats).toBe('up');
    // Kafka stays away until the bridge has failed to write at least once.
    await waitFor(
      'a failed Kafka write while Kafka is away',
      async () => (await bridge.metric('bridge_failures_total', { route: 'in' })) > 0,
      30_000,
      100,
    );
    await kafkaServer.start();
    await health('up', 'kafka');

    await toKafka(out.slice(200));
    await waitFor(
      'all 600 NATS -> Kafka messages of this case in Kafka',
      async () => arrivals([...before, ...during], await idsInKafka()).missing.length === 0,
      60_000,
      500,
    );
    const inKafka = arrivals([...before, ...during], await idsInKafka());
    // Only a write that Kafka took just before it died can be written again (same ids).
    expect(inKafka.repeats, 'repeats in Kafka beyond the one batch in flight').toBeLessThanOrEqual(
      1_000,
    );
    // An outage is not a reason to dead-letter anything.
    expect(await topicSize(kafka, 'outage.in.DLT')).toBe(0);
    await waitFor(
      'Kafka -> NATS resumed (all 400 of this case stored)',
      async () => (await storedOut()) === storedBefore + 400,
      60_000,
      100,
    );
    expect(arrivals(out, await idsInJetStream()), 'Kafka -> NATS: each once').toEqual({
      missing: [],
      repeats: 0,
    });
  }, 240_000);

  it('NATS away: 503 while it is down, then every message published meanwhile arrives, each once in JetStream', async () => {
    const storedBefore = await storedOut();
    const inbound = numberedMessages('outage.nats.in', 600, 200, 7);
    const out = numberedMessages('outage.out', 400, 300, 7);
    await toNats(inbound);
    await waitFor(
      'the 200 NATS -> Kafka messages of this case in Kafka',
      async () => arrivals(inbound, await idsInKafka()).missing.length === 0,
      60_000,
      500,
    );
    await natsServer.stop('SIGKILL');
    await toKafka(out); // Kafka still takes them; they wait in the log
    const down = await health('down', 'nats');
    expect(down.body.servers.kafka).toBe('up');
    await waitFor(
      'a failed NATS publish while NATS is away',
      async () => (await bridge.metric('bridge_failures_total', { route: 'out' })) > 0,
      30_000,
      100,
    );
    await natsServer.start();
    await health('up', 'nats');

    await waitFor(
      'Kafka -> NATS resumed (all 300 of this case stored)',
      async () => (await storedOut()) === storedBefore + 300,
      60_000,
      100,
    );
    // What JetStream holds of this case is exactly what was sent, once each.
    expect(arrivals(out, await idsInJetStream()), 'Kafka -> NATS: each once').toEqual({
      missing: [],
      repeats: 0,
    });
    expect(arrivals(inbound, await idsInKafka()).repeats, 'NATS -> Kafka: each once').toBe(0);
  }, 240_000);
});
