import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../../services/content/app.ts';
import { FsContentStore } from '../../../../services/content/store/fs-store.ts';

/** Every file under `root`, relative to it. */
function walk(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? walk(path).map((p) => join(name, p)) : [name];
  });
}

describe('content API properties', () => {
  let dir: string;
  let store: string;
  let sibling: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'content-prop-'));
    store = join(dir, 'store');
    sibling = join(dir, 'sibling');
    mkdirSync(sibling);
    app = await buildApp({ store: new FsContentStore(store), maxBytes: 4096 });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('random bodies and content types never give a 5xx and round-trip byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 5000 }),
        fc.constantFrom(
          'text/plain',
          'application/json',
          'application/octet-stream',
          'image/png',
          'text/plain; charset=latin1',
        ),
        async (bytes, contentType) => {
          const body = Buffer.from(bytes);
          const post = await app.inject({
            method: 'POST',
            url: '/v1/content',
            payload: body,
            headers: { 'content-type': contentType },
          });
          expect(post.statusCode).toBeLessThan(500);
          if (body.length === 0) expect(post.statusCode).toBe(400);
          else if (body.length > 4096) expect(post.statusCode).toBe(413);
          else {
            expect(post.statusCode).toBe(201);
            const id = post.json<{ storage_id: string }>().storage_id;
            const get = await app.inject({ method: 'GET', url: `/v1/content/${id}` });
            expect(get.statusCode).toBe(200);
            expect(get.rawPayload.equals(body)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random ids never give a 5xx and never reach outside the store', async () => {
    const hostile = fc.constantFrom(
      '..',
      '../..',
      '%2e%2e%2f',
      '..%2F..%2Fsibling',
      '%00',
      '/etc/passwd',
      '....//',
      '\\..\\',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.stringMatching(/^[0-9a-f]{32}$/),
          hostile,
          fc.webSegment(),
        ),
        async (id) => {
          const r = await app.inject({
            method: 'GET',
            url: `/v1/content/${encodeURIComponent(id)}`,
          });
          expect(r.statusCode).toBeLessThan(500);
          expect([200, 400, 404]).toContain(r.statusCode);
          if (!/^[0-9a-f]{32}$/.test(id)) expect(r.statusCode).not.toBe(200);
        },
      ),
      { numRuns: 300 },
    );
    expect(readdirSync(sibling)).toEqual([]);
    for (const file of walk(store)) {
      expect(relative(store, join(store, file)).startsWith('..')).toBe(false);
      // Only the store's own files: packs, their indexes and the writer's lock.
      expect(file).toMatch(/^packs\/(\d+\.pack|\d+\.idx|writer\.lock)$/);
    }
  });
});
