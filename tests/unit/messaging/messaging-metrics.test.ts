import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MessagingMetrics } from '../../../messaging/index.ts';
import { histogramBounds } from '../../helpers/metric-values.ts';

describe('MessagingMetrics', () => {
  it('one instance per registry (prom-client refuses a name twice), another for another registry', () => {
    const registry = new Registry();
    const metrics = MessagingMetrics.for(registry);
    expect(MessagingMetrics.for(registry)).toBe(metrics);
    expect(MessagingMetrics.for(new Registry())).not.toBe(metrics);
  });

  it('measures queue latency from 1 ms to 5 min', async () => {
    const metrics = MessagingMetrics.for(new Registry());
    metrics.queueLatency.observe({ topic: 't', consumer_group: 'g' }, 0.2);
    const bounds = await histogramBounds(metrics.queueLatency);
    expect(bounds).toEqual([0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, '+Inf']);
  });
});
