import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RuntimeMetrics } from '../../actors/runtime/index.ts';
import { BridgeMetrics } from '../../bridge/bridge-metrics.ts';
import { MessagingMetrics } from '../../messaging/index.ts';

// Metric names, types and labels are an interface: dashboards and alerts are written against
// them (deploy/grafana/dashboards/huleedu.json). Changing one is a breaking change, made here on
// purpose or not at all.
const CATALOGUE: [name: string, type: string, labels: string[]][] = [
  ['huleedu_actor_transitions_total', 'counter', ['actor_type', 'event']],
  ['huleedu_actor_rejected_events_total', 'counter', ['actor_type', 'event']],
  ['huleedu_actor_duplicate_events_total', 'counter', ['actor_type']],
  ['huleedu_actor_fenced_batches_total', 'counter', []],
  ['huleedu_actor_persistence_batch_duration_seconds', 'histogram', []],
  ['huleedu_actors_active', 'gauge', []],
  ['huleedu_outbox_backlog', 'gauge', []],
  ['huleedu_timer_backlog', 'gauge', []],
  ['bridge_messages_total', 'counter', ['route', 'direction']],
  ['bridge_bytes_total', 'counter', ['route', 'direction']],
  ['bridge_failures_total', 'counter', ['route', 'direction']],
  ['bridge_dead_letters_total', 'counter', ['route', 'direction', 'reason']],
  ['bridge_redeliveries_total', 'counter', ['route', 'direction']],
  ['bridge_duplicates_total', 'counter', ['route', 'direction']],
  ['bridge_in_flight', 'gauge', ['route', 'direction']],
  ['bridge_latency_seconds', 'histogram', ['route', 'direction']],
  ['bridge_consumer_lag', 'gauge', ['route', 'direction']],
  ['bridge_route_up', 'gauge', ['route', 'direction']],
  ['kafka_message_queue_latency_seconds', 'histogram', ['topic', 'consumer_group']],
  ['huleedu_messages_processed_total', 'counter', ['topic', 'consumer_group']],
  ['huleedu_message_handler_failures_total', 'counter', ['topic', 'consumer_group']],
  ['huleedu_messages_dead_lettered_total', 'counter', ['topic', 'consumer_group', 'code']],
];

function registered(): Registry {
  const registry = new Registry();
  new RuntimeMetrics(registry);
  new BridgeMetrics(registry);
  MessagingMetrics.for(registry);
  return registry;
}

describe('metrics catalogue', () => {
  it('registers exactly the catalogued metrics, with their types and labels', async () => {
    const registry = registered();
    const found = (await registry.getMetricsAsJSON()).map((m) => {
      const metric = registry.getSingleMetric(m.name) as unknown as { labelNames?: string[] };
      return [m.name, String(m.type), [...(metric.labelNames ?? [])]];
    });
    expect(found).toEqual(CATALOGUE);
  });

  it('every metric says what it measures, and histograms have sorted buckets from ms to seconds', async () => {
    const registry = registered();
    for (const m of await registry.getMetricsAsJSON()) {
      expect(m.help.length, `${m.name} help`).toBeGreaterThan(10);
      if (String(m.type) !== 'histogram') continue;
      const buckets = (registry.getSingleMetric(m.name) as unknown as { upperBounds: number[] })
        .upperBounds;
      expect(buckets.length, `${m.name} buckets`).toBeGreaterThanOrEqual(10);
      expect(buckets, `${m.name} buckets sorted`).toEqual([...buckets].sort((a, b) => a - b));
      expect(buckets[0], `${m.name} first bucket`).toBeLessThanOrEqual(0.001);
      expect(buckets.at(-1), `${m.name} last bucket`).toBeGreaterThanOrEqual(2.5);
    }
  });

  it('MessagingMetrics.for gives one instance per registry', () => {
    const registry = new Registry();
    expect(MessagingMetrics.for(registry)).toBe(MessagingMetrics.for(registry));
    expect(MessagingMetrics.for(new Registry())).not.toBe(MessagingMetrics.for(registry));
  });

  it("the Grafana dashboard's queries name only metrics the platform registers", () => {
    const dashboard = readFileSync(
      new URL('../../deploy/grafana/dashboards/huleedu.json', import.meta.url),
      'utf8',
    );
    const names = new Set(CATALOGUE.map(([n]) => n));
    // The services' own families (http_*, spellchecker_*) are not in this catalogue; the
    // dashboard queries only the core's.
    const queried = [
      ...dashboard.matchAll(/\b((?:huleedu|bridge|kafka)_[a-z_]+?)(?:_bucket|_sum|_count)?\b/g),
    ].map((m) => m[1] as string);
    expect(queried.length).toBeGreaterThan(3);
    expect([...new Set(queried)].filter((n) => !names.has(n))).toEqual([]);
  });
});
