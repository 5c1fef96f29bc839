import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BridgeMetrics } from '../../../bridge/bridge-metrics.ts';
import { histogramBounds } from '../../helpers/metric-values.ts';

describe('BridgeMetrics', () => {
  it('measures latency from 1 ms to 5 s: a bridged message takes milliseconds, a backlog seconds', async () => {
    const registry = new Registry();
    const metrics = new BridgeMetrics(registry);
    metrics.latency.observe({ route: 'r', direction: 'nats_to_kafka' }, 0.003);
    const bounds = await histogramBounds(metrics.latency);
    expect(bounds).toEqual([
      0.001,
      0.0025,
      0.005,
      0.01,
      0.025,
      0.05,
      0.1,
      0.25,
      0.5,
      1,
      2.5,
      5,
      '+Inf',
    ]);
  });

  it('registers every bridge metric by name, labelled by route and direction', async () => {
    const registry = new Registry();
    new BridgeMetrics(registry);
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name).sort();
    expect(names).toEqual([
      'bridge_bytes_total',
      'bridge_consumer_lag',
      'bridge_dead_letters_total',
      'bridge_duplicates_total',
      'bridge_failures_total',
      'bridge_in_flight',
      'bridge_latency_seconds',
      'bridge_messages_total',
      'bridge_redeliveries_total',
      'bridge_route_up',
    ]);
  });
});
