import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../services/content/app.ts';
import {
  type ContentStore,
  storageIdOf,
} from '../../../../services/content/store/content-store.ts';
import { FsContentStore } from '../../../../services/content/store/fs-store.ts';

describe('content service API', () => {
  let dir: string;
  let app: FastifyInstance;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'content-'));
    app = await buildApp({ store: new FsContentStore(join(dir, 'store')), maxBytes: 1024 });
  });
  afterEach(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores any content type and serves it back with that type', async () => {
    const post = await app.inject({
      method: 'POST',
      url: '/v1/content',
      payload: 'Ths is an esay.',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
    expect(post.statusCode).toBe(201);
    const { storage_id } = post.json<{ storage_id: string }>();
    expect(storage_id).toMatch(/^[0-9a-f]{32}$/);
    expect(storage_id).toBe(
      storageIdOf(Buffer.from('Ths is an esay.'), 'text/plain; charset=utf-8'),
    );
    const get = await app.inject({ method: 'GET', url: `/v1/content/${storage_id}` });
    expect(get.statusCode).toBe(200);
    expect(get.body).toBe('Ths is an esay.');
    expect(get.headers['content-type']).toBe('text/plain; charset=utf-8');

    const json = await app.inject({
      method: 'POST',
      url: '/v1/content',
      payload: '{"a":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(json.statusCode).toBe(201);
    const back = await app.inject({
      method: 'GET',
      url: `/v1/content/${json.json<{ storage_id: string }>().storage_id}`,
    });
    expect(back.body).toBe('{"a":1}');
    expect(back.headers['content-type']).toBe('application/json');
  });

  it('is idempotent: the same bytes give the same id and one stored object', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const r = await app.inject({
        method: 'POST',
        url: '/v1/content',
        payload: 'same bytes',
        headers: { 'content-type': 'text/plain' },
      });
      ids.add(r.json<{ storage_id: string }>().storage_id);
    }
    expect(ids.size).toBe(1);
    // Stored once: one record in the pack (header 30 bytes, the content type, the body).
    const pack = readFileSync(join(dir, 'store', 'packs', '1.pack'));
    expect(pack.length).toBe(30 + 'text/plain'.length + 'same bytes'.length);
  });

  it('answers 400 JSON for an empty body and 413 JSON over the limit', async () => {
    const empty = await app.inject({
      method: 'POST',
      url: '/v1/content',
      payload: '',
      headers: { 'content-type': 'text/plain' },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({ code: 'HULEEDU_EMPTY_BODY', message: expect.any(String) });
    const none = await app.inject({ method: 'POST', url: '/v1/content' });
    expect(none.statusCode).toBe(400);
    const big = await app.inject({
      method: 'POST',
      url: '/v1/content',
      payload: 'x'.repeat(1025),
      headers: { 'content-type': 'text/plain' },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json<{ code: string }>().code).toBe('HULEEDU_PAYLOAD_TOO_LARGE');
  });

  it('answers 400 for malformed ids and 404 for absent ones, as JSON', async () => {
    for (const bad of [
      'abc',
      'G'.repeat(32),
      'A'.repeat(32),
      '..%2F..%2Fetc%2Fpasswd',
      `${'a'.repeat(31)}%00`,
    ]) {
      const r = await app.inject({ method: 'GET', url: `/v1/content/${bad}` });
      expect(r.statusCode, bad).toBe(400);
      expect(r.json<{ code: string }>().code).toBe('HULEEDU_INVALID_STORAGE_ID');
    }
    const missing = await app.inject({ method: 'GET', url: `/v1/content/${'0'.repeat(32)}` });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<{ code: string }>().code).toBe('HULEEDU_NOT_FOUND');
  });

  it('reports health, metrics by route and the OpenAPI description', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await app.inject({ method: 'GET', url: `/v1/content/${'1'.repeat(32)}` });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(
      'http_requests_total{method="GET",route="/v1/content/:storage_id",status="404"} 1',
    );
    expect(metrics.body).toContain('http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
    const docs = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    expect(Object.keys(docs.json<{ paths: Record<string, unknown> }>().paths)).toEqual(
      expect.arrayContaining(['/v1/content', '/v1/content/{storage_id}', '/healthz']),
    );
  });

  it('reports 503 when the store cannot be written', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const broken = await buildApp({
      store: new FsContentStore(join(blocker, 'store')),
      maxBytes: 10,
    });
    try {
      const r = await broken.inject({ method: 'GET', url: '/healthz' });
      expect(r.statusCode).toBe(503);
    } finally {
      await broken.close();
    }
  });

  it('echoes a well-formed correlation id', async () => {
    const r = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-correlation-id': 'corr-123' },
    });
    expect(r.headers['x-correlation-id']).toBe('corr-123');
    const generated = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-correlation-id': 'bad id with spaces' },
    });
    expect(generated.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs a failure under the caller correlation id, and no line per request', async () => {
    const lines: string[] = [];
    const failing: ContentStore = {
      put: async () => {
        throw new Error('disk on fire');
      },
      get: async () => undefined,
      healthy: async () => true,
      close: async () => {},
    };
    const logged = await buildApp({
      store: failing,
      maxBytes: 100,
      logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } },
    });
    try {
      const ok = await logged.inject({ method: 'GET', url: '/healthz' });
      expect(ok.statusCode).toBe(200);
      expect(lines).toEqual([]);
      const r = await logged.inject({
        method: 'POST',
        url: '/v1/content',
        payload: 'some text',
        headers: { 'content-type': 'text/plain', 'x-correlation-id': 'corr-failing-put' },
      });
      expect(r.statusCode).toBe(500);
      expect(r.json()).toEqual({ code: 'HULEEDU_INTERNAL', message: 'internal error' });
      const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(entries).toEqual([
        expect.objectContaining({
          level: 50,
          correlation_id: 'corr-failing-put',
          msg: 'unhandled error',
        }),
      ]);
    } finally {
      await logged.close();
    }
  });
});
