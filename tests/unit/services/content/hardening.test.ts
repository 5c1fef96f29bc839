import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../services/content/app.ts';
import { FsContentStore } from '../../../../services/content/store/fs-store.ts';

describe('content service hardening (regressions)', () => {
  let dir: string;
  let app: FastifyInstance;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'content-hard-'));
    app = await buildApp({
      store: new FsContentStore(join(dir, 'store')),
      maxBytes: 10 * 1024 * 1024,
      requestTimeoutMs: 500,
    });
  });
  afterEach(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const upload = (payload: string, type: string) =>
    app.inject({ method: 'POST', url: '/v1/content', payload, headers: { 'content-type': type } });

  it('serves HTML as a download with nosniff, never as a page (bug: served back as text/html)', async () => {
    const html = '<script>alert(1)</script>';
    const id = (await upload(html, 'text/html')).json<{ storage_id: string }>().storage_id;
    const get = await app.inject({ method: 'GET', url: `/v1/content/${id}` });
    expect(get.headers['content-type']).toBe('application/octet-stream');
    expect(get.headers['content-disposition']).toContain('attachment');
    expect(get.headers['x-content-type-options']).toBe('nosniff');
    expect(get.headers['content-security-policy']).toContain('sandbox');
    const text = await app.inject({
      method: 'GET',
      url: `/v1/content/${(await upload('plain', 'text/plain')).json<{ storage_id: string }>().storage_id}`,
    });
    expect(text.headers['x-content-type-options']).toBe('nosniff');
  });

  it("the same bytes as another type are another object (bug: the first upload's type won)", async () => {
    const a = (await upload('same bytes', 'text/plain; charset=utf-8')).json<{
      storage_id: string;
    }>();
    const b = (await upload('same bytes', 'text/html')).json<{ storage_id: string }>();
    const c = (await upload('same bytes', 'Text/Plain;Charset=UTF-8')).json<{
      storage_id: string;
    }>();
    expect(b.storage_id).not.toBe(a.storage_id);
    expect(c.storage_id).toBe(a.storage_id);
    const get = await app.inject({ method: 'GET', url: `/v1/content/${a.storage_id}` });
    expect(get.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it("answers a malformed %-encoding with the platform error shape (bug: Fastify's own)", async () => {
    const r = await app.inject({ method: 'GET', url: '/v1/content/%ff' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'HULEEDU_BAD_REQUEST' });
  });

  it('closes a stalled upload after the request timeout (bug: stalled uploads stayed open and held memory)', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write(
      'POST /v1/content HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 9500000\r\n\r\nstart of a body that never ends',
    );
    const started = Date.now();
    const answer = await new Promise<string>((resolve) => {
      let data = '';
      socket.on('data', (d) => {
        data += d.toString();
      });
      socket.once('close', () => resolve(data));
    });
    // Node answers 408 and closes; well before a test timeout, and not after the full body.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('sweeps temporary files a killed write left behind, and only old ones', async () => {
    const store = new FsContentStore(join(dir, 'sweep'));
    const sub = join(dir, 'sweep', 'ab', 'cd');
    mkdirSync(sub, { recursive: true });
    const old = join(sub, 'abcd0000000000000000000000000000.tmp-1a2b3c');
    const fresh = join(sub, 'abcd0000000000000000000000000001.tmp-4d5e6f');
    writeFileSync(old, 'half');
    writeFileSync(fresh, 'writing');
    writeFileSync(join(sub, 'abcd0000000000000000000000000002'), 'text/plain\nkept');
    const hourAgo = (Date.now() - 3_600_000) / 1000;
    utimesSync(old, hourAgo, hourAgo);
    expect(await store.sweepTemporaryFiles(10 * 60_000)).toBe(1);
    expect(readdirSync(sub).sort()).toEqual([
      'abcd0000000000000000000000000001.tmp-4d5e6f',
      'abcd0000000000000000000000000002',
    ]);
  });
});
