import type { Registry } from 'prom-client';

/** Every series of a metric as `{labels, value}` (histograms: their `_sum` and `_count`). */
export async function metricValues(
  registry: Registry,
  name: string,
): Promise<{ labels: Record<string, string | number>; value: number; name: string }[]> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name} in the registry`);
  const { values } = await metric.get();
  return values
    .filter((v) => !('metricName' in v) || !String(v.metricName).endsWith('_bucket'))
    .map((v) => ({
      labels: { ...v.labels } as Record<string, string | number>,
      value: v.value,
      name: 'metricName' in v && v.metricName ? String(v.metricName) : name,
    }));
}

/** The bucket bounds of a histogram (after one observation), `+Inf` last. */
export async function histogramBounds(histogram: {
  get(): Promise<{ values: { metricName?: string; labels: object }[] }>;
}): Promise<(number | string | undefined)[]> {
  return (await histogram.get()).values
    .filter((v) => v.metricName?.endsWith('_bucket'))
    .map((v) => (v.labels as { le?: number | string }).le);
}
