import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bridgeHealth, defaultRoutes, fieldAt, loadRoutes } from '../../../bridge/index.ts';
import { BridgeSettingsSchema } from '../../../bridge/settings.ts';
import { liveSubject, ProcessingEvent, topicName } from '../../../common-core/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'routes-'));
function routeFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function errorOf(run: () => unknown): { message: string; code?: string } {
  try {
    run();
  } catch (error) {
    return error as { message: string; code?: string };
  }
  throw new Error('expected an error, none was thrown');
}

describe('bridge routes', () => {
  it('a route file that is not JSON is refused without quoting it (bug: the error quoted its first bytes)', () => {
    const error = errorOf(() => loadRoutes(routeFile('secret.json', 'password=hunter2\n')));
    expect(error.message).toBe(`bridge routes ${join(dir, 'secret.json')} is not JSON`);
    expect(error.message).not.toContain('hunter2');
    expect(error.code).toBe('HULEEDU_INVALID_SETTINGS');
  });

  it('a syntax error is located by its byte when the parser says where', () => {
    const error = errorOf(() => loadRoutes(routeFile('cut.json', '{"natsToKafka":[],')));
    expect(error.message).toBe(
      `bridge routes ${join(dir, 'cut.json')} is not JSON (syntax error at byte 18)`,
    );
  });

  it('a route file that cannot be read is refused with the reason, not a stack', () => {
    const error = errorOf(() => loadRoutes(join(dir, 'missing.json')));
    expect(error.message).toBe(`cannot read bridge routes ${join(dir, 'missing.json')}: ENOENT`);
    expect(error.code).toBe('HULEEDU_INVALID_SETTINGS');
  });

  it('a route file is validated: one error naming every bad field', () => {
    const path = routeFile(
      'bad.json',
      JSON.stringify({
        natsToKafka: [{ name: '', stream: 'S', subject: 'a', durable: 'has space', topic: 't' }],
        kafkaToNats: [{ name: 'k', topic: 't', group: 'g', subject: 's', maxBytes: 0 }],
      }),
    );
    const error = errorOf(() => loadRoutes(path));
    expect(error.message).toContain(`bridge routes ${path} is invalid`);
    expect(error.message).toContain('natsToKafka.0.name');
    expect(error.message).toContain('natsToKafka.0.durable');
    expect(error.message).toContain('kafkaToNats.0.maxBytes');
  });

  it('a valid route file gets the defaults: key from the entity id, JSON required, 1 MB, empty directions', () => {
    const path = routeFile(
      'good.json',
      JSON.stringify({
        natsToKafka: [{ name: 'n', stream: 'S', subject: 'a.b', durable: 'd_1-x', topic: 't' }],
      }),
    );
    expect(loadRoutes(path)).toEqual({
      natsToKafka: [
        {
          name: 'n',
          stream: 'S',
          subject: 'a.b',
          durable: 'd_1-x',
          topic: 't',
          key: { from: 'field', path: 'data.entity_ref.entity_id' },
          requireJson: true,
          maxBytes: 1_000_000,
        },
      ],
      kafkaToNats: [],
    });
    const header = routeFile(
      'header.json',
      JSON.stringify({
        kafkaToNats: [{ name: 'k', topic: 't', group: 'g', subject: 's' }],
        natsToKafka: [
          {
            name: 'n',
            stream: 'S',
            subject: 'a',
            durable: 'd',
            topic: 't',
            key: { from: 'header', name: 'K' },
            requireJson: false,
            maxBytes: 10,
          },
        ],
      }),
    );
    const loaded = loadRoutes(header);
    expect(loaded.natsToKafka[0]).toMatchObject({
      key: { from: 'header', name: 'K' },
      requireJson: false,
      maxBytes: 10,
    });
    expect(loaded.kafkaToNats).toEqual([
      { name: 'k', topic: 't', group: 'g', subject: 's', maxBytes: 1_000_000 },
    ]);
  });

  it('routes status changes to the live subject of their batch, each route with a consumer group of its own', () => {
    const routes = defaultRoutes();
    const status = routes.kafkaToNats.find(
      (r) => r.topic === topicName(ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED),
    );
    expect(status?.subject).toBe(liveSubject('{field:data.batch_id}'));
    const groups = routes.kafkaToNats.map((r) => r.group);
    expect(new Set(groups).size).toBe(groups.length);
  });

  it('the default table: edge commands in through durable consumers of the stream, readiness, outcomes and status out', () => {
    const routes = defaultRoutes('EDGE');
    const inbound = [
      ProcessingEvent.BATCH_ESSAYS_REGISTERED,
      ProcessingEvent.ESSAY_CONTENT_PROVISIONED,
      ProcessingEvent.BATCH_SPELLCHECK_INITIATE_COMMAND,
      ProcessingEvent.BATCH_NLP_INITIATE_COMMAND,
      ProcessingEvent.BATCH_CANCEL_COMMAND,
      ProcessingEvent.BATCH_RETRY_COMMAND,
    ].map(topicName);
    expect(routes.natsToKafka).toEqual(
      inbound.map((t) => ({
        name: `nats-to-kafka:${t}`,
        stream: 'EDGE',
        subject: t,
        durable: `bridge_${t.replace(/[^A-Za-z0-9_-]/g, '_')}`,
        topic: t,
        key: { from: 'field', path: 'data.entity_ref.entity_id' },
        requireJson: true,
        maxBytes: 1_000_000,
      })),
    );
    for (const r of routes.natsToKafka) expect(r.durable).toMatch(/^bridge_[A-Za-z0-9_-]+$/);
    expect(defaultRoutes().natsToKafka[0]?.stream).toBe('HULEEDU');
    const out = (e: ProcessingEvent) => routes.kafkaToNats.find((r) => r.topic === topicName(e));
    expect(out(ProcessingEvent.BATCH_LIFECYCLE_STATE_UPDATED)?.subject).toBe(liveSubject('{key}'));
    for (const e of [ProcessingEvent.BATCH_ESSAYS_READY, ProcessingEvent.ELS_BATCH_PHASE_OUTCOME])
      expect(out(e)).toEqual({
        name: `kafka-to-nats:${topicName(e)}`,
        topic: topicName(e),
        group: `huleedu-bridge.${topicName(e)}`,
        subject: topicName(e),
        maxBytes: 1_000_000,
      });
    expect(routes.kafkaToNats).toHaveLength(4);
  });
});

describe('fieldAt', () => {
  const value = { data: { id: 'e-1', n: 7, empty: '', no: null, deep: { x: 'y' }, flag: true } };
  it('reads a string or number at a dotted path', () => {
    expect(fieldAt(value, 'data.id')).toBe('e-1');
    expect(fieldAt(value, 'data.n')).toBe('7');
    expect(fieldAt(value, 'data.deep.x')).toBe('y');
  });
  it('anything else is no key: missing, empty, null on the way, objects, booleans, not an object', () => {
    expect(fieldAt(value, 'data.missing')).toBeUndefined();
    expect(fieldAt(value, 'data.empty')).toBeUndefined();
    expect(fieldAt(value, 'data.no.x')).toBeUndefined();
    expect(fieldAt(value, 'data.deep')).toBeUndefined();
    expect(fieldAt(value, 'data.flag')).toBeUndefined();
    expect(fieldAt(value, 'data.id.length')).toBeUndefined();
    expect(fieldAt('text', 'data')).toBeUndefined();
    expect(fieldAt(null, 'data')).toBeUndefined();
  });
});

describe('bridge settings', () => {
  it('defaults to the local brokers, the HULEEDU stream, port 8003 and batches of 1,000', () => {
    expect(BridgeSettingsSchema.parse({})).toEqual({
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      NATS_SERVERS: ['127.0.0.1:4222'],
      LOG_LEVEL: 'info',
      BRIDGE_HOST: '127.0.0.1',
      BRIDGE_PORT: 8003,
      BRIDGE_NATS_STREAM: 'HULEEDU',
      BRIDGE_BATCH_SIZE: 1_000,
    });
  });
  it('refuses a batch size outside 1..10,000, an empty host or stream, an unknown log level', () => {
    for (const bad of [
      { BRIDGE_BATCH_SIZE: '0' },
      { BRIDGE_BATCH_SIZE: '10001' },
      { BRIDGE_BATCH_SIZE: '1.5' },
      { BRIDGE_HOST: '' },
      { BRIDGE_NATS_STREAM: '' },
      { BRIDGE_ROUTES: '' },
      { LOG_LEVEL: 'loud' },
    ])
      expect(BridgeSettingsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    expect(BridgeSettingsSchema.parse({ BRIDGE_BATCH_SIZE: '10000' }).BRIDGE_BATCH_SIZE).toBe(
      10_000,
    );
    expect(BridgeSettingsSchema.parse({ BRIDGE_BATCH_SIZE: '1' }).BRIDGE_BATCH_SIZE).toBe(1);
  });
});

describe('bridgeHealth', () => {
  const route = (name: string, healthy: boolean) => ({ name, healthy: () => healthy });
  it('a route is up when it runs and both servers answer; the bridge when every route is', () => {
    const both = { nats: 'up', kafka: 'up' } as const;
    expect(bridgeHealth(both, [route('a', true), route('b', true)])).toEqual({
      healthy: true,
      routes: { a: 'up', b: 'up' },
      servers: both,
    });
    expect(bridgeHealth(both, [route('a', true), route('b', false)])).toEqual({
      healthy: false,
      routes: { a: 'up', b: 'down' },
      servers: both,
    });
    for (const servers of [
      { nats: 'down', kafka: 'up' },
      { nats: 'up', kafka: 'down' },
    ] as const)
      expect(bridgeHealth(servers, [route('a', true)]), JSON.stringify(servers)).toEqual({
        healthy: false,
        routes: { a: 'down' },
        servers,
      });
    expect(bridgeHealth(both, []).healthy, 'no routes: nothing down').toBe(true);
  });
});
