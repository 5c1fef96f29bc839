import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RuntimeMetrics } from '../../../actors/runtime/index.ts';
import { histogramBounds } from '../../helpers/metric-values.ts';

describe('RuntimeMetrics', () => {
  it('measures a batch from 1 ms to 2.5 s', async () => {
    const metrics = new RuntimeMetrics(new Registry());
    metrics.batchDuration.observe(0.02);
    const bounds = await histogramBounds(metrics.batchDuration);
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
      '+Inf',
    ]);
  });
});
