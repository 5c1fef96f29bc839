import type { JetStreamManager } from '@nats-io/jetstream';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  const eventIds = (ms: { value: string }[]) =>
    new Set(ms.map((m) => (JSON.parse(m.value) as { event_id: string }).event_id));

  it('Kafka away: 503 while it is down, then every message published meanwhile arrives', async () => {
    const before = numberedMessages('outage.nats.in', 0, 300, 7);
    const during = numberedMessages('outage.nats.in', 300, 300, 7);
    await toNats(before);
    await toKafka(numberedMessages('outage.out', 0, 200, 7));
    await waitFor('first messages bridged', async () => (await storedOut()) === 200, 30_000, 100);

    await kafkaServer.stop('SIGKILL');
    await toNats(during); // NATS still takes them; they wait in the durable consumer
    const down = await health('down', 'kafka');
    expect(down.body.servers.nats).toBe('up');
    await new Promise((r) => setTimeout(r, 3_000)); // stay down a while
    await kafkaServer.start();
    await health('up', 'kafka');

    await toKafka(numberedMessages('outage.out', 200, 200, 7));
    const inKafka = await readTopic(kafka, 'outage.in', 600, 60_000);
    expect(eventIds(inKafka)).toEqual(new Set([...before, ...during].map((m) => m.id)));
    // An outage is not a reason to dead-letter anything.
    expect(await topicSize(kafka, 'outage.in.DLT')).toBe(0);
    await waitFor('Kafka -> NATS resumed', async () => (await storedOut()) === 400, 60_000, 100);
  }, 180_000);

  it('NATS away: 503 while it is down, then every message published meanwhile arrives', async () => {
    const storedBefore = await storedOut();
    await toNats(numberedMessages('outage.nats.in', 600, 200, 7));
    await natsServer.stop('SIGKILL');
    await toKafka(numberedMessages('outage.out', 400, 300, 7)); // Kafka still takes them; they wait in the log
    const down = await health('down', 'nats');
    expect(down.body.servers.kafka).toBe('up');
    await new Promise((r) => setTimeout(r, 3_000));
    await natsServer.start();
    await health('up', 'nats');

    await waitFor(
      'Kafka -> NATS resumed',
      async () => (await storedOut()) === storedBefore + 300,
      60_000,
      100,
    );
    const inKafka = await readTopic(kafka, 'outage.in', 800, 60_000);
    expect(inKafka.length).toBeGreaterThanOrEqual(800);
    expect(eventIds(inKafka).size).toBe(800);
    // What JetStream holds is exactly what was sent, once each.
    const ids = await withNats(async (_, jsm) => {
      const out = new Set<string>();
      const info = await jsm.streams.info(STREAM);
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const m = await jsm.streams.getMessage(STREAM, { seq }).catch(() => null);
        if (m?.subject.startsWith('outage.nats.out.')) out.add(m.header?.get('Nats-Msg-Id') ?? '');
      }
      return out;
    });
    expect(ids).toEqual(sentOut);
    expect(ids.size).toBe(700);
  }, 180_000);
});
