import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { buildRouter, topicRoute } from '../../../actors/lifecycle/routing.ts';
import {
  ActorRuntime,
  type EffectInterpreter,
  NO_ROWS,
  SnapshotCache,
} from '../../../actors/runtime/index.ts';
import {
  BatchRetryCommandV1Schema,
  encodeEnvelope,
  makeEnvelope,
  ProcessingEvent,
  topicName,
} from '../../../common-core/index.ts';
import { ActorRepository, type Database, openDatabase } from '../../../db/index.ts';
import type { MachineDefinition } from '../../../machines/index.ts';

// Issue 23, item 1: an actor type is a module - machine, effects, routes - and the runtime and
// the router run a new one without a change. This one counts the retries asked of a batch and
// announces every third; it exists only in this test.
const counterMachine = setup({
  types: {
    context: {} as { count: number },
    events: {} as { type: 'BUMP' },
    input: {} as Record<string, never>,
  },
  actions: { announce: (_, _params: { count: number }) => {} },
}).createMachine({
  id: 'counter',
  context: { count: 0 },
  initial: 'counting',
  states: {
    counting: {
      on: {
        BUMP: [
          {
            guard: ({ context }) => context.count === 2,
            target: 'done',
            actions: [assign({ count: 3 }), { type: 'announce', params: { count: 3 } }],
          },
          { actions: assign({ count: ({ context }) => context.count + 1 }) },
        ],
      },
    },
    done: { type: 'final' },
  },
});

const COUNTER: MachineDefinition = {
  actorType: 'counter',
  id: 'counter',
  version: 1,
  machine: counterMachine,
  migrations: {},
  sampleInput: {},
};

const COUNTER_EFFECTS: EffectInterpreter = {
  rows(action, cause, nextEventId) {
    if (action.type !== 'announce') return NO_ROWS;
    const eventId = nextEventId();
    return [
      {
        topic: 'test.counted',
        key: cause.actorId,
        headers: {},
        payload: JSON.stringify(action.params),
        eventId,
      },
    ];
  },
  stateChanged({ actorId, from, to }, _cause, eventId) {
    return {
      topic: 'test.counter.state',
      key: actorId,
      headers: {},
      payload: `${from}->${to}`,
      eventId,
    };
  },
};

const COUNTER_ROUTES = [
  topicRoute({
    event: ProcessingEvent.BATCH_RETRY_COMMAND,
    data: BatchRetryCommandV1Schema,
    deliveries: (env) => [
      {
        actorType: 'counter',
        actorId: env.data.batch_id,
        eventId: env.event_id,
        createWith: {},
        event: { type: 'BUMP' },
      },
    ],
  }),
];

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
});

describe('another actor type, registered as a module', () => {
  it('is routed, stepped, persisted and its effects written, with no change to the runtime', async () => {
    database = await openDatabase({ url: 'pglite://memory' });
    const runtime = new ActorRuntime({
      repository: new ActorRepository(database.db),
      definitions: { counter: COUNTER },
      effects: { counter: COUNTER_EFFECTS },
      cache: new SnapshotCache(100, 60_000),
    });
    const router = buildRouter(COUNTER_ROUTES);
    expect(router.topics).toEqual([topicName(ProcessingEvent.BATCH_RETRY_COMMAND)]);
    for (let i = 0; i < 3; i++) {
      const envelope = makeEnvelope({
        event: ProcessingEvent.BATCH_RETRY_COMMAND,
        sourceService: 'test',
        correlationId: null,
        data: {
          event_name: ProcessingEvent.BATCH_RETRY_COMMAND,
          entity_ref: { entity_id: 'b1', entity_type: 'batch', parent_id: null },
          batch_id: 'b1',
        },
      });
      const deliveries = router.route(
        {
          topic: router.topics[0] as string,
          partition: 0,
          offset: String(i),
          key: 'b1',
          headers: {},
          timestamp: 0,
          value: Buffer.from(encodeEnvelope(envelope)),
        },
        { maxAttempts: 1, resultTimeoutMs: 1 },
      );
      const result = await runtime.process(deliveries);
      expect(result.applied).toBe(1);
    }
    const read = await runtime.read('counter', 'b1');
    expect(read?.snapshot.value).toBe('done');
    expect(read?.snapshot.context).toEqual({ count: 3 });
    const outbox = (
      (await database.db.execute(
        sql`select topic, key, payload, event_id from outbox order by id`,
      )) as unknown as {
        rows: { topic: string; key: string; payload: string; event_id: string }[];
      }
    ).rows;
    // Its creation and its last step announced by its own interpreter, its effect between.
    expect(outbox.map((r) => [r.topic, r.key, r.payload])).toEqual([
      ['test.counter.state', 'b1', 'null->counting'],
      ['test.counted', 'b1', '{"count":3}'],
      ['test.counter.state', 'b1', 'counting->done'],
    ]);
    // Ids derived from the cause, as for the lifecycle's own types.
    expect(new Set(outbox.map((r) => r.event_id)).size).toBe(3);
  });
});
