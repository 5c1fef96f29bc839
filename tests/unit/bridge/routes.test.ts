import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRoutes, loadRoutes } from '../../../bridge/index.ts';
import { liveSubject, ProcessingEvent, topicName } from '../../../common-core/index.ts';

describe('bridge routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'routes-'));

  it('a route file that is not JSON is refused without quoting it (bug: the error quoted its first bytes)', () => {
    const path = join(dir, 'routes.json');
    writeFileSync(path, 'password=hunter2\n');
    expect(() => loadRoutes(path)).toThrow(/is not JSON/);
    try {
      loadRoutes(path);
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
      expect((error as { code?: string }).code).toBe('HULEEDU_INVALID_SETTINGS');
    }
    expect(() => loadRoutes(join(dir, 'missing.json'))).toThrow(/ENOENT/);
  });

  it('routes status changes to the live subject of their batch, each route with a consumer group of its own', () => {
    const routes = defaultRoutes();
    const status = routes.kafkaToNats.find(
      (r) => r.topic === topicName(ProcessingEvent.ESSAY_LIFECYCLE_STATE_UPDATED),
    );
    expect(status?.subject).toBe(liveSubject('{field:data.batch_id}'));
    const groups = routes.kafkaToNats.map((r) => r.group);
    expect(new Set(groups).size).toBe(groups.length);
    expect(routes.natsToKafka.map((r) => r.topic)).toContain(
      topicName(ProcessingEvent.BATCH_CANCEL_COMMAND),
    );
  });
});
