import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signToken } from '../../../../cli/dev-token.ts';
import {
  BatchCancelCommandV1Schema,
  BatchEssaysRegisteredV1Schema,
  decodeEnvelope,
  EssayContentProvisionedV1Schema,
  HuleEduError,
  type OutgoingMessage,
  ProcessingEvent,
  topicName,
} from '../../../../common-core/index.ts';
import { type Database, openDatabase, tables } from '../../../../db/index.ts';
import { MACHINE_DEFINITIONS } from '../../../../machines/index.ts';
import { buildApiApp } from '../../../../services/api/app.ts';
import { apiTestDeps } from '../../../helpers/api-deps.ts';
import { makeDocx, makePdf } from '../../../helpers/documents.ts';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const token = (sub: string, expiresInS = 600, now = Date.now()) =>
  `Bearer ${signToken(sub, SECRET, expiresInS, now)}`;
const T1 = token('teacher-1');
const T2 = token('teacher-2');

/** An actor row as the lifecycle host would have stored it (version 5). */
const snapshot = (
  actorType: 'essay' | 'batch',
  actorId: string,
  status: string,
  context: object,
  machineVersion = MACHINE_DEFINITIONS[actorType].version,
) => ({
  actorType,
  actorId,
  machineId: actorType,
  machineVersion,
  snapshot: { value: status, context },
  version: 5,
  status,
});

describe('api', () => {
  let database: Database;
  let app: FastifyInstance;
  const published: OutgoingMessage[] = [];
  const texts = new Map<string, string>();
  let failPublish = false;

  beforeAll(async () => {
    database = await openDatabase({ url: 'pglite://memory' });
    app = await buildApiApp(
      apiTestDeps(database, {
        content: {
          storeText: async (text) => {
            const id = createHash('sha256').update(text).digest('hex').slice(0, 32);
            texts.set(id, text);
            return id;
          },
          fetchText: async (id) => {
            const t = texts.get(id);
            if (t === undefined) throw new HuleEduError('HULEEDU_NOT_FOUND', id);
            return t;
          },
        },
        publisher: {
          publish: async (messages) => {
            if (failPublish) throw new HuleEduError('HULEEDU_DEPENDENCY_UNAVAILABLE', 'NATS down');
            published.push(...messages);
          },
          close: async () => {},
          [Symbol.asyncDispose]: async () => {},
        },
        auth: { secret: SECRET },
        // A NATS outage is waited out for this long (a test of the 503 must not wait 30 s).
        publishPatienceMs: 300,
      }),
    );
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });
  beforeEach(() => {
    published.length = 0;
    failPublish = false;
  });

  const submit = (body: unknown, auth = T1, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/v1/batches',
      headers: { authorization: auth, 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });
  const essays = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      name: `e${i}.txt`,
      text: `Essay number ${i} has a tpyo.`,
    }));
  const batchRows = async () => (await database.db.select().from(tables.apiBatches)).length;

  describe('authentication and ownership', () => {
    it('refuses a request without a token (401 HULEEDU_UNAUTHENTICATED)', async () => {
      const r = await app.inject({ method: 'GET', url: '/v1/batches' });
      expect(r.statusCode).toBe(401);
      expect(r.json().code).toBe('HULEEDU_UNAUTHENTICATED');
    });

    it('refuses a token with a bad signature (401 HULEEDU_INVALID_TOKEN)', async () => {
      const forged = `Bearer ${signToken('teacher-1', 'another-secret-that-is-long-enough-too!', 600)}`;
      const r = await app.inject({
        method: 'GET',
        url: '/v1/batches',
        headers: { authorization: forged },
      });
      expect(r.statusCode).toBe(401);
      expect(r.json().code).toBe('HULEEDU_INVALID_TOKEN');
      const garbage = await app.inject({
        method: 'GET',
        url: '/v1/batches',
        headers: { authorization: 'Bearer not.a.jwt' },
      });
      expect(garbage.statusCode).toBe(401);
      expect(garbage.json().code).toBe('HULEEDU_INVALID_TOKEN');
      const basic = await app.inject({
        method: 'GET',
        url: '/v1/batches',
        headers: { authorization: 'Basic dXNlcjpwYXNz' },
      });
      expect(basic.json().code).toBe('HULEEDU_INVALID_TOKEN');
    });

    it('refuses an expired token (401 HULEEDU_TOKEN_EXPIRED)', async () => {
      const expired = token('teacher-1', 60, Date.now() - 3_600_000);
      const r = await app.inject({
        method: 'GET',
        url: '/v1/batches',
        headers: { authorization: expired },
      });
      expect(r.statusCode).toBe(401);
      expect(r.json().code).toBe('HULEEDU_TOKEN_EXPIRED');
    });

    it("answers 404 for another teacher's batch and essay, as for one that does not exist", async () => {
      const created = (await submit({ essays: essays(1) })).json();
      for (const url of [
        `/v1/batches/${created.batch_id}`,
        `/v1/batches/${created.batch_id}/events`,
        `/v1/essays/${created.essays[0].essay_id}`,
        `/v1/essays/${created.essays[0].essay_id}/timeline`,
      ]) {
        const other = await app.inject({ method: 'GET', url, headers: { authorization: T2 } });
        expect(other.statusCode, url).toBe(404);
        expect(other.json().code).toBe('HULEEDU_NOT_FOUND');
      }
      const cancel = await app.inject({
        method: 'POST',
        url: `/v1/batches/${created.batch_id}/cancel`,
        headers: { authorization: T2 },
      });
      expect(cancel.statusCode).toBe(404);
      const list = await app.inject({
        method: 'GET',
        url: '/v1/batches',
        headers: { authorization: T2 },
      });
      expect(list.json().batches).toEqual([]);
    });
  });

  describe('submitting a batch', () => {
    it('stores the texts, publishes the registration and one content event per essay, answers 202', async () => {
      const r = await submit({ course_code: 'ENG5', essays: essays(2) });
      expect(r.statusCode).toBe(202);
      const body = r.json();
      expect(body.essays.map((e: { name: string }) => e.name)).toEqual(['e0.txt', 'e1.txt']);
      expect(body.status_url).toBe(`/v1/batches/${body.batch_id}`);
      expect(body.events_url).toBe(`/v1/batches/${body.batch_id}/events`);
      expect(published.map((m) => m.topic)).toEqual([
        topicName(ProcessingEvent.BATCH_ESSAYS_REGISTERED),
        topicName(ProcessingEvent.ESSAY_CONTENT_PROVISIONED),
        topicName(ProcessingEvent.ESSAY_CONTENT_PROVISIONED),
      ]);
      const reg = decodeEnvelope(published[0]?.value as Uint8Array, BatchEssaysRegisteredV1Schema);
      expect(reg.data).toMatchObject({
        batch_id: body.batch_id,
        essay_ids: body.essays.map((e: { essay_id: string }) => e.essay_id),
        course_code: 'ENG5',
        // Without a pipeline in the request: every registered phase, in order.
        pipeline: ['spellcheck', 'metrics'],
      });
      const prov = decodeEnvelope(
        published[1]?.value as Uint8Array,
        EssayContentProvisionedV1Schema,
      );
      expect(texts.get(prov.data.text_storage_id)).toBe('Essay number 0 has a tpyo.');
      expect(prov.data.original_file_name).toBe('e0.txt');
      expect(published[1]?.key).toBe(body.essays[0].essay_id);
      expect(published.every((m) => m.id !== undefined)).toBe(true);
    });

    it('the same Idempotency-Key twice gives one batch and publishes nothing new', async () => {
      const headers = { 'idempotency-key': 'class-5b-monday' };
      const first = await submit({ essays: essays(2) }, T1, headers);
      const count = published.length;
      const second = await submit({ essays: essays(2) }, T1, headers);
      expect(second.statusCode).toBe(202);
      expect(second.json()).toEqual(first.json());
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(published).toHaveLength(count);
      // Another teacher's identical key is another batch.
      const other = await submit({ essays: essays(2) }, T2, headers);
      expect(other.json().batch_id).not.toBe(first.json().batch_id);
    });

    it('a request that recorded the batch but could not publish is finished by its retry, with the same event ids', async () => {
      failPublish = true;
      const headers = { 'idempotency-key': 'retry-after-nats-blip' };
      const failed = await submit({ essays: essays(1) }, T1, headers);
      expect(failed.statusCode).toBe(503);
      failPublish = false;
      const retried = await submit({ essays: essays(1) }, T1, headers);
      expect(retried.statusCode).toBe(202);
      expect(published).toHaveLength(2);
      const again = await submit({ essays: essays(1) }, T1, headers);
      expect(again.json().batch_id).toBe(retried.json().batch_id);
      expect(published).toHaveLength(2);
    });

    it('refuses a bad batch whole, listing every problem, storing and publishing nothing', async () => {
      const before = await batchRows();
      const r = await submit({
        language: 'fr',
        essays: [
          { name: 'empty.txt', text: '   ' },
          { name: 'long.txt', text: 'x'.repeat(201) },
          { name: '', text: 'fine' },
          { name: 'nul.txt', text: 'a\u0000b' },
        ],
      });
      expect(r.statusCode).toBe(422);
      expect(r.json().code).toBe('HULEEDU_BATCH_REFUSED');
      const problems = r.json().details.problems as { name: string; problem: string }[];
      expect(problems.map((p) => p.name)).toEqual(
        expect.arrayContaining(['(batch)', 'empty.txt', 'long.txt', '(essay 3)', 'nul.txt']),
      );
      expect(
        problems.find((p) => p.name === '(batch)' && p.problem.includes('4 essays')),
      ).toBeTruthy();
      expect(problems.find((p) => p.problem.includes('language'))).toBeTruthy();
      expect(published).toHaveLength(0);
      expect(await batchRows()).toBe(before);
    });

    it('refuses malformed bodies and content types with their codes', async () => {
      expect((await submit({ essays: 'nope' })).json().code).toBe('HULEEDU_INVALID_PAYLOAD');
      expect((await submit({ essays: [] })).statusCode).toBe(422);
      const notJson = await app.inject({
        method: 'POST',
        url: '/v1/batches',
        headers: { authorization: T1, 'content-type': 'application/json' },
        payload: '{"essays": [',
      });
      expect(notJson.statusCode).toBe(400);
      expect(notJson.json().code).toBe('HULEEDU_INVALID_JSON');
      const text = await app.inject({
        method: 'POST',
        url: '/v1/batches',
        headers: { authorization: T1, 'content-type': 'text/plain' },
        payload: 'hello',
      });
      expect(text.statusCode).toBe(415);
      expect(text.json().code).toBe('HULEEDU_UNSUPPORTED_MEDIA_TYPE');
      const badKey = await submit({ essays: essays(1) }, T1, { 'idempotency-key': 'has space' });
      expect(badKey.statusCode).toBe(400);
      expect(published).toHaveLength(0);
    });

    it('reads .txt, .docx and .pdf uploads, and refuses non-UTF-8, binary and unknown files by name', async () => {
      const form = new FormData();
      form.append('course_code', 'ENG6');
      form.append('essays', new Blob([Buffer.from('Caf\u00e9 essay in UTF-8.')]), 'a.txt');
      form.append(
        'essays',
        new Blob([await makeDocx(['A docx essy.', 'Second paragraph.'])]),
        'b.docx',
      );
      form.append('essays', new Blob([makePdf(['A pdf essay with a tset.'])]), 'c.pdf');
      const ok = await app.inject({
        method: 'POST',
        url: '/v1/batches',
        headers: { authorization: T1 },
        payload: form,
      });
      expect(ok.statusCode, ok.body).toBe(202);
      const stored = published
        .filter((m) => m.topic === topicName(ProcessingEvent.ESSAY_CONTENT_PROVISIONED))
        .map((m) =>
          texts.get(decodeEnvelope(m.value, EssayContentProvisionedV1Schema).data.text_storage_id),
        );
      expect(stored[0]).toBe('Caf\u00e9 essay in UTF-8.');
      expect(stored[1]).toContain('A docx essy.');
      expect(stored[1]).toContain('Second paragraph.');
      expect(stored[2]).toContain('A pdf essay with a tset.');

      published.length = 0;
      const bad = new FormData();
      bad.append('essays', new Blob([Buffer.from('Caf\u00e9', 'latin1')]), 'latin1.txt');
      bad.append('essays', new Blob([Buffer.from([0x00, 0x01, 0x02, 0x41])]), 'binary.txt');
      bad.append('essays', new Blob([Buffer.from('x')]), 'photo.png');
      bad.append('essays', new Blob([Buffer.from('not a zip')]), 'broken.docx');
      const refused = await app.inject({
        method: 'POST',
        url: '/v1/batches',
        headers: { authorization: T1 },
        payload: bad,
      });
      expect(refused.statusCode).toBe(422);
      const problems = refused.json().details.problems as { name: string; problem: string }[];
      expect(problems.find((p) => p.name === 'latin1.txt')?.problem).toContain('not UTF-8');
      expect(problems.find((p) => p.name === 'binary.txt')?.problem).toContain('binary');
      expect(problems.find((p) => p.name === 'photo.png')?.problem).toContain(
        'unsupported file type',
      );
      expect(problems.find((p) => p.name === 'broken.docx')?.problem).toContain('.docx');
      expect(published).toHaveLength(0);
    });

    it('refuses more files than the batch may hold with a listed problem', async () => {
      const form = new FormData();
      for (let i = 0; i < 5; i++)
        form.append('essays', new Blob([Buffer.from(`Essay ${i}`)]), `${i}.txt`);
      const r = await app.inject({
        method: 'POST',
        url: '/v1/batches',
        headers: { authorization: T1 },
        payload: form,
      });
      expect(r.statusCode).toBe(422);
      expect(r.json().details.problems[0].name).toBe('(batch)');
    });
  });

  describe('reading', () => {
    it("lists the teacher's batches newest first with a cursor", async () => {
      const teacher = token('teacher-list');
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push((await submit({ essays: essays(1) }, teacher)).json().batch_id);
      const page1 = await app.inject({
        method: 'GET',
        url: '/v1/batches?limit=2',
        headers: { authorization: teacher },
      });
      expect(page1.json().batches.map((b: { batch_id: string }) => b.batch_id)).toEqual([
        ids[2],
        ids[1],
      ]);
      const page2 = await app.inject({
        method: 'GET',
        url: `/v1/batches?limit=2&cursor=${page1.json().next_cursor}`,
        headers: { authorization: teacher },
      });
      expect(page2.json().batches.map((b: { batch_id: string }) => b.batch_id)).toEqual([ids[0]]);
      expect(page2.json().next_cursor).toBeNull();
      const bad = await app.inject({
        method: 'GET',
        url: '/v1/batches?cursor=zzz',
        headers: { authorization: teacher },
      });
      expect(bad.statusCode).toBe(400);
    });

    it('shows a batch with counts per essay status, completion and each essay; an essay with its corrections', async () => {
      const created = (
        await submit({
          essays: [
            { name: 'a.txt', text: 'I has a tpyo here.' },
            { name: 'b.txt', text: 'Fine.' },
          ],
        })
      ).json();
      const [a, b] = created.essays as { essay_id: string }[];
      const fixedId = 'f'.repeat(32);
      texts.set(fixedId, 'I has a typo here.');
      await database.db.insert(tables.actorSnapshots).values([
        snapshot('batch', created.batch_id, 'completed_successfully', {}),
        // Stored by essay machine version 1 (before phases): read through its migration.
        snapshot(
          'essay',
          a?.essay_id as string,
          'essay_all_processing_completed',
          { correctionsMade: 1, correctedTextStorageId: fixedId, error: null },
          1,
        ),
        snapshot('essay', b?.essay_id as string, 'spellchecking_in_progress', {
          results: {},
          error: null,
        }),
      ]);
      const view = (
        await app.inject({
          method: 'GET',
          url: `/v1/batches/${created.batch_id}`,
          headers: { authorization: T1 },
        })
      ).json();
      expect(view).toMatchObject({
        status: 'completed_successfully',
        done: false,
        essay_count: 2,
        counts: { essay_all_processing_completed: 1, spellchecking_in_progress: 1 },
        completion_percentage: 50,
      });
      expect(view.essays[0]).toMatchObject({
        name: 'a.txt',
        corrections_made: 1,
        // Each phase's result, by phase: what the lifecycle keeps on the essay.
        results: { spellcheck: { correctedTextStorageId: fixedId, correctionsMade: 1 } },
      });
      expect(view.essays[1].results).toEqual({});
      const essay = (
        await app.inject({
          method: 'GET',
          url: `/v1/essays/${a?.essay_id}`,
          headers: { authorization: T1 },
        })
      ).json();
      expect(essay.corrected_text).toBe('I has a typo here.');
      expect(essay.corrections).toEqual([
        { start: 8, end: 12, original: 'tpyo', replacement: 'typo' },
      ]);
    });

    it("serves the teacher's report of a batch as html (corrections in place), json and csv; only to its owner", async () => {
      const created = (
        await submit({
          essays: [
            { name: 'a.txt', text: 'I has a tpyo here.' },
            { name: 'b.txt', text: 'Broken <b>text</b>.' },
          ],
        })
      ).json();
      const [a, b] = created.essays as { essay_id: string }[];
      const fixedId = 'e'.repeat(32);
      texts.set(fixedId, 'I has a typo here.');
      const metrics = {
        words: 5,
        sentences: 1,
        mean_sentence_length: 5,
        lexical_diversity: 5,
        readability_grade: 0.52,
        spelling_error_rate: 20,
      };
      await database.db.insert(tables.actorSnapshots).values([
        snapshot('batch', created.batch_id, 'completed_with_failures', {}),
        snapshot('essay', a?.essay_id as string, 'essay_all_processing_completed', {
          results: {
            spellcheck: { correctedTextStorageId: fixedId, correctionsMade: 1 },
            metrics,
          },
          error: null,
        }),
        snapshot('essay', b?.essay_id as string, 'essay_partially_processed_with_failures', {
          results: {},
          error: { code: 'HULEEDU_RETRIES_EXHAUSTED', message: 'content service down' },
        }),
      ]);
      const get = (format: string, authorization = T1) =>
        app.inject({
          method: 'GET',
          url: `/v1/batches/${created.batch_id}/report${format ? `?format=${format}` : ''}`,
          headers: { authorization },
        });
      const html = await get('');
      expect(html.statusCode).toBe(200);
      expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(html.body).toContain('I has a <span class="fix"');
      expect(html.body).toContain(
        '<del aria-label="was">tpyo</del><ins aria-label="now">typo</ins>',
      );
      expect(html.body).toContain(
        'Not corrected: content service down (HULEEDU_RETRIES_EXHAUSTED)',
      );
      expect(html.body).toContain('Broken &#60;b&#62;text&#60;/b&#62;.');
      expect(html.body).not.toMatch(/<(script|link|img)\b/);
      const json = (await get('json')).json();
      expect(json.totals).toEqual({ essays: 2, corrected: 1, failed: 1, corrections: 1 });
      expect(json.essays[0].corrections).toEqual([
        { start: 8, end: 12, original: 'tpyo', replacement: 'typo', kind: 'spelling' },
      ]);
      const csv = await get('csv');
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.body.split('\r\n')[1]).toBe(
        `a.txt,${a?.essay_id},essay_all_processing_completed,8,12,tpyo,typo,spelling,,5,1,5,5,0.52,20`,
      );
      expect(json.essays[0].figures).toEqual([
        expect.objectContaining({
          phase: 'metrics',
          title: 'Text metrics',
          figures: expect.arrayContaining([
            { key: 'words', label: 'Words', short: 'words', value: 5, shown: '5' },
          ]),
        }),
      ]);
      expect(json.essays[1].figures).toEqual([]);
      expect(html.body).toContain('<dt>Spelling errors per 100 words</dt><dd>20.0</dd>');
      expect((await get('pdf')).statusCode).toBe(400);
      expect((await get('html', token('someone-else'))).statusCode).toBe(404);
    });

    it('cancels a running batch with a command (202), and refuses to cancel a finished one (409)', async () => {
      const created = (await submit({ essays: essays(1) })).json();
      published.length = 0;
      const r = await app.inject({
        method: 'POST',
        url: `/v1/batches/${created.batch_id}/cancel`,
        headers: { authorization: T1 },
      });
      expect(r.statusCode).toBe(202);
      expect(published.map((m) => m.topic)).toEqual([
        topicName(ProcessingEvent.BATCH_CANCEL_COMMAND),
      ]);
      expect(
        decodeEnvelope(published[0]?.value as Uint8Array, BatchCancelCommandV1Schema).data.batch_id,
      ).toBe(created.batch_id);
      await database.db.insert(tables.actorSnapshots).values({
        actorType: 'batch',
        actorId: created.batch_id,
        machineId: 'batch',
        machineVersion: 2,
        snapshot: { value: 'cancelled', context: {} },
        version: 3,
        status: 'cancelled',
      });
      const again = await app.inject({
        method: 'POST',
        url: `/v1/batches/${created.batch_id}/cancel`,
        headers: { authorization: T1 },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('HULEEDU_CONFLICT');
    });

    it('retries the failed essays of a batch that completed with failures (202), refuses otherwise (409)', async () => {
      const created = (await submit({ essays: essays(2) })).json();
      const retry = (headers: Record<string, string> = {}) =>
        app.inject({
          method: 'POST',
          url: `/v1/batches/${created.batch_id}/retry`,
          headers: { authorization: T1, ...headers },
        });
      expect((await retry()).statusCode).toBe(409);
      const failedId = created.essays[1].essay_id as string;
      await database.db.insert(tables.actorSnapshots).values({
        actorType: 'batch',
        actorId: created.batch_id,
        machineId: 'batch',
        machineVersion: 2,
        snapshot: { value: 'completed_with_failures', context: { failed: [failedId] } },
        version: 9,
        status: 'completed_with_failures',
      });
      published.length = 0;
      const r = await retry({ 'idempotency-key': 'retry-1' });
      expect(r.statusCode).toBe(202);
      expect(r.json()).toEqual({
        batch_id: created.batch_id,
        status: 'retry_requested',
        essay_ids: [failedId],
      });
      expect(published.map((m) => m.topic)).toEqual([
        topicName(ProcessingEvent.BATCH_RETRY_COMMAND),
      ]);
      // The same key is the same command (JetStream and the actors drop the copy).
      await retry({ 'idempotency-key': 'retry-1' });
      expect(published[1]?.id).toBe(published[0]?.id);
      const other = await app.inject({
        method: 'POST',
        url: `/v1/batches/${created.batch_id}/retry`,
        headers: { authorization: T2 },
      });
      expect(other.statusCode).toBe(404);
    });

    it('describes every route in OpenAPI at /docs', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/v1/batches',
          '/v1/batches/{id}',
          '/v1/batches/{id}/events',
          '/v1/batches/{id}/cancel',
          '/v1/batches/{id}/retry',
          '/v1/essays/{id}',
          '/v1/essays/{id}/timeline',
        ]),
      );
    });
  });
});

describe('api rate limit', () => {
  it('answers 429 with Retry-After once a teacher passes the limit, and other teachers go on', async () => {
    await using database = await openDatabase({ url: 'pglite://memory' });
    const app = await buildApiApp(
      apiTestDeps(database, {
        auth: { secret: SECRET },
        limits: { maxEssays: 3, maxEssayBytes: 200, maxFileBytes: 50_000, ratePerMinute: 2 },
      }),
    );
    const get = (auth: string) =>
      app.inject({ method: 'GET', url: '/v1/batches', headers: { authorization: auth } });
    expect((await get(T1)).statusCode).toBe(200);
    expect((await get(T1)).statusCode).toBe(200);
    const limited = await get(T1);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('HULEEDU_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get(T2)).statusCode).toBe(200);
    await app.close();
  });
});
