import type { z } from 'zod';
import { LifecycleSettingsSchema } from '../actors/lifecycle/settings.ts';
import { BridgeSettingsSchema } from '../bridge/settings.ts';
import { DltSettingsSchema } from '../cli/dlt-command.ts';
import { TopicsSettingsSchema } from '../cli/topics-command.ts';
import { ApiSettingsSchema } from '../services/api/settings.ts';
import { ContentSettingsSchema } from '../services/content/settings.ts';
import { MetricsSettingsSchema } from '../services/metrics/settings.ts';
import { SpellcheckerSettingsSchema } from '../services/spellchecker/settings.ts';

/**
 * Every process's settings schema, by process: the one list `.env.example` must cover (a test
 * checks it names every setting and nothing else).
 */
export const SETTINGS_SCHEMAS: Readonly<Record<string, z.ZodObject>> = {
  api: ApiSettingsSchema,
  bridge: BridgeSettingsSchema,
  content: ContentSettingsSchema,
  lifecycle: LifecycleSettingsSchema,
  spellchecker: SpellcheckerSettingsSchema,
  metrics: MetricsSettingsSchema,
  topics: TopicsSettingsSchema,
  dlt: DltSettingsSchema,
};

/** Variables read outside the schemas: the CLI's and the spelling engine's. */
export const OTHER_SETTINGS: Readonly<Record<string, string>> = {
  HULEEDU_API_URL: 'huleedu submit/status: the api (default http://127.0.0.1:8080)',
  HULEEDU_TOKEN: 'huleedu submit/status: a bearer token (default: a development token)',
  HULEEDU_CACHE_DIR: 'where the spelling engine caches its index (default .data/cache)',
};

/** Every setting name, sorted. */
export function settingNames(): string[] {
  const names = new Set(Object.keys(OTHER_SETTINGS));
  for (const schema of Object.values(SETTINGS_SCHEMAS))
    for (const key of Object.keys(schema.shape)) names.add(key);
  return [...names].sort();
}
