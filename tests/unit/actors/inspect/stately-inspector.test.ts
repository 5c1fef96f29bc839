import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { StatelyInspector } from '../../../../actors/inspect/index.ts';
import { ACTOR_EFFECTS } from '../../../../actors/lifecycle/actor-types.ts';
import { ActorRuntime, type Delivery, SnapshotCache } from '../../../../actors/runtime/index.ts';
import { ActorRepository, type Database, openDatabase } from '../../../../db/index.ts';
import { MACHINE_DEFINITIONS } from '../../../../machines/index.ts';
import { freePort } from '../../../helpers/processes.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

interface Received {
  type: string;
  sessionId: string;
  name?: string;
  definition?: string;
  event?: { type: string };
  snapshot?: { value: string; context: Record<string, unknown>; status: string };
}

const provisioned = (essay: string): Delivery => ({
  actorType: 'essay',
  actorId: essay,
  eventId: `prov-${essay}`,
  event: { type: 'CONTENT_PROVISIONED', textStorageId: 't'.repeat(32), batchId: 'b1' },
  createWith: { essayId: essay, textStorageId: 't'.repeat(32), batchId: 'b1' },
});
const event = (essay: string, type: string, extra: object = {}): Delivery => ({
  actorType: 'essay',
  actorId: essay,
  eventId: `${type}-${essay}`,
  event: { type, ...extra },
});

/** A local stand-in for the Stately inspector: a WebSocket server that records every message. */
async function recordingServer(): Promise<{
  url: string;
  got: Received[];
  close(): Promise<void>;
}> {
  const got: Received[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws) => ws.on('message', (m) => got.push(JSON.parse(String(m)))));
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    got,
    close: () =>
      new Promise((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}

describe('StatelyInspector: the durable runtime in the XState inspector', () => {
  let database: Database | undefined;
  let inspector: StatelyInspector | undefined;
  afterEach(async () => {
    inspector?.stop();
    await database?.close();
  });

  const runtimeWith = async (url: string, maxQueued?: number) => {
    database = await openDatabase({ url: 'pglite://memory' });
    inspector = new StatelyInspector({
      url,
      reconnectMs: 100,
      ...(maxQueued ? { maxQueued } : {}),
    });
    const repository = new ActorRepository(database.db);
    const runtime = new ActorRuntime({
      repository,
      definitions: MACHINE_DEFINITIONS,
      effects: ACTOR_EFFECTS,
      cache: new SnapshotCache(1_000, 60_000),
      observer: inspector,
    });
    return { runtime, repository };
  };

  it('reports each actor with its machine, then every event and the snapshot persisted for it, in order', async () => {
    const server = await recordingServer();
    try {
      const { runtime, repository } = await runtimeWith(server.url);
      await runtime.process([
        provisioned('e1'),
        event('e1', 'PHASE_INITIATED', {
          phase: 'spellcheck',
          language: 'en',
          correlationId: null,
          pipeline: ['spellcheck'],
          retry: false,
        }),
      ]);
      // Refused: the state does not take it; reported with the unchanged snapshot.
      await runtime.process([event('e1', 'PHASE_CONCLUDED', { phase: 'spellcheck' })]);
      await waitFor('5 inspection events', () => server.got.length >= 7);
      expect(server.got.map((m) => [m.type, m.sessionId, m.event?.type])).toEqual([
        ['@xstate.actor', 'essay:e1', undefined],
        ['@xstate.event', 'essay:e1', 'CONTENT_PROVISIONED'],
        ['@xstate.snapshot', 'essay:e1', 'CONTENT_PROVISIONED'],
        ['@xstate.event', 'essay:e1', 'PHASE_INITIATED'],
        ['@xstate.snapshot', 'essay:e1', 'PHASE_INITIATED'],
        ['@xstate.event', 'essay:e1', 'PHASE_CONCLUDED'],
        ['@xstate.snapshot', 'essay:e1', 'PHASE_CONCLUDED'],
      ]);
      const actor = server.got[0] as Received;
      expect(actor.name).toBe('essay');
      expect(JSON.parse(actor.definition as string).states).toHaveProperty('awaiting_spellcheck');
      expect(actor.snapshot?.value).toBe('ready_for_processing');
      // The last snapshot is the persisted one.
      const [row] = await repository.loadSnapshots([{ actorType: 'essay', actorId: 'e1' }]);
      const last = server.got.at(-1) as Received;
      expect(last.snapshot?.value).toBe('awaiting_spellcheck');
      expect({ value: last.snapshot?.value, context: last.snapshot?.context }).toEqual(
        row?.snapshot,
      );
    } finally {
      await server.close();
    }
  });

  it('an actor loaded from the database is announced with its stored state', async () => {
    const server = await recordingServer();
    try {
      const { runtime } = await runtimeWith(server.url);
      await runtime.process([provisioned('e2')]);
      // A second host (a fresh runtime on the same database, its own inspector) loads it.
      const other = new StatelyInspector({ url: server.url, reconnectMs: 100 });
      const loaded = new ActorRuntime({
        repository: new ActorRepository((database as Database).db),
        definitions: MACHINE_DEFINITIONS,
        effects: ACTOR_EFFECTS,
        cache: new SnapshotCache(1_000, 60_000),
        observer: other,
      });
      await loaded.process([
        event('e2', 'PHASE_INITIATED', {
          phase: 'spellcheck',
          language: 'en',
          correlationId: null,
          pipeline: ['spellcheck'],
          retry: false,
        }),
      ]);
      await waitFor('the second host reports', () => server.got.length >= 6);
      other.stop();
      const second = server.got.slice(3);
      expect(second.map((m) => m.type)).toEqual([
        '@xstate.actor',
        '@xstate.event',
        '@xstate.snapshot',
      ]);
      expect(second[0]?.snapshot?.value).toBe('ready_for_processing');
      expect(second[2]?.snapshot?.value).toBe('awaiting_spellcheck');
    } finally {
      await server.close();
    }
  });

  it('with no inspector listening, processing goes on; events wait in a bounded queue, the rest are dropped and counted', async () => {
    const url = `ws://127.0.0.1:${await freePort()}`;
    const { runtime } = await runtimeWith(url, 10);
    const essays = Array.from({ length: 20 }, (_, i) => `gone-${i}`);
    const r = await runtime.process(essays.map(provisioned));
    expect(r.applied).toBe(20);
    const adapter = (inspector as StatelyInspector).adapter;
    // 20 actors x 3 events = 60; 10 kept for when the inspector comes, 50 dropped.
    expect(adapter.queued).toBe(10);
    expect(adapter.dropped).toBe(50);
    expect(adapter.sent).toBe(0);
  });
});
