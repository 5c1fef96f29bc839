import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIFECYCLE_TOPICS } from '../../actors/lifecycle/router.ts';
import { ApiClient } from '../../cli/api-client.ts';
import { signToken } from '../../cli/dev-token.ts';
import { ProcessingEvent, topicName } from '../../common-core/index.ts';
import { rows } from '../../db/index.ts';
import { APP_SERVICES } from '../../deploy/app-services.ts';
import { MACHINE_DEFINITIONS, stateNames } from '../../machines/index.ts';
import { connectNats, JetStreamPublisher } from '../../messaging/index.ts';
import { BatchRegistry } from '../../services/api/batch-registry.ts';
import { submissionEvents } from '../../services/api/commands.ts';
import { createContentClient } from '../../services/content/content-client.ts';
import { launchBrowser, SCREENSHOTS } from '../helpers/browser.ts';
import { createFreshDatabase, type FreshDatabase } from '../helpers/fresh-database.ts';
import {
  DATABASE_URL,
  NATS_SERVERS,
  startGroupAtTopicEnds,
  testKafka,
  uniqueName,
} from '../helpers/infra.ts';
import { alive, startStack, type TestStack } from '../helpers/stack.ts';
import { waitFor } from '../helpers/wait-for.ts';

const SECRET = 'smoke-test-secret-long-enough-for-hs256!';

/** The events of an SSE response, read until `stopAfter` of them arrived or the stream ended. */
async function readEvents(
  url: string,
  token: string,
  lastEventId: string | undefined,
  stopAfter = Number.POSITIVE_INFINITY,
): Promise<EventSourceMessage[]> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: {
      authorization: `Bearer ${token}`,
      ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
    },
    signal: abort.signal,
  });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const events: EventSourceMessage[] = [];
  // A client that drops after `stopAfter` events has seen exactly those, however they arrived.
  const parser = createParser({
    onEvent: (e) => {
      if (events.length < stopAfter) events.push(e);
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      if (events.length >= stopAfter) {
        abort.abort();
        break;
      }
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  }
  return events;
}

// The distributed platform as `npm run stack` starts it (content, lifecycle, spellchecker,
// bridge, api as processes of their own on real Kafka, NATS and Postgres), used the way a
// client uses it: through the api only.
describe('distributed platform through the api (npm run stack)', () => {
  let stack: TestStack;
  let fresh: FreshDatabase;
  let dir: string;
  let client: ApiClient;
  const token = signToken('smoke-teacher', SECRET, 3_600);

  beforeAll(async () => {
    fresh = await createFreshDatabase(DATABASE_URL, 'huleedu_smoke');
    dir = mkdtempSync(join(tmpdir(), 'smoke-stack-'));
    // Both groups start at the topics' ends: a new group would first work through every
    // earlier run's events.
    const spellGroup = uniqueName('smoke-spell');
    const lifecycleGroup = uniqueName('smoke-lifecycle');
    await startGroupAtTopicEnds(testKafka(), spellGroup, [
      topicName(ProcessingEvent.ESSAY_SPELLCHECK_REQUESTED),
    ]);
    await startGroupAtTopicEnds(testKafka(), lifecycleGroup, LIFECYCLE_TOPICS);
    stack = await startStack({
      DATABASE_URL: fresh.url,
      CONTENT_STORE_PATH: dir,
      SPELLCHECKER_GROUP_ID: spellGroup,
      LIFECYCLE_GROUP_ID: lifecycleGroup,
      // The relay deletes what it publishes (the crash test runs the default, marking sent).
      LIFECYCLE_OUTBOX_RETAIN_SENT_MS: '0',
      API_JWT_SECRET: SECRET,
    });
    client = new ApiClient(stack.apiUrl, token);
  }, 240_000);

  afterAll(async () => {
    // Normally stopped by the last test; after a failure, nothing of the stack may be left
    // running (its spellchecker would take later runs' requests).
    stack?.process.killGroup();
    rmSync(dir, { recursive: true, force: true });
    await fresh?.drop();
  });

  it('a submitted batch is processed end to end; its live stream shows every change and ends', async () => {
    const texts = ['Teh cat sat.', 'I recieve alot of letters.', 'Nothing to fix here.'];
    const submitted = await client.submitTexts(
      texts.map((text, i) => ({ name: `essay-${i}.txt`, text })),
    );
    expect(submitted.essays).toHaveLength(3);
    // Follow live from the start: snapshot, changes, end.
    const events = await readEvents(`${stack.apiUrl}${submitted.events_url}`, token, undefined);
    expect(events[0]?.event).toBe('snapshot');
    expect(events.at(-1)?.event).toBe('end');
    expect(JSON.parse(events.at(-1)?.data ?? '{}').status).toBe('completed_successfully');
    const ids = events.map((e) => Number(e.id));
    for (let i = 1; i < ids.length - 1; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1] as number);

    const view = await client.batch(submitted.batch_id);
    expect(view.status).toBe('completed_successfully');
    expect(view.done).toBe(true);
    expect(view.completion_percentage).toBe(100);
    expect(view.essays.map((e) => e.status)).toEqual(
      Array(3).fill('essay_all_processing_completed'),
    );
    const essay = await client.essay(submitted.essays[1]?.essay_id as string);
    expect(essay.corrected_text).toBe('I receive a lot of letters.');
    expect(essay.corrections.map((c) => [c.original, c.replacement])).toEqual([
      ['recieve', 'receive'],
      ['alot', 'a lot'],
    ]);
    const timeline = (await (
      await fetch(`${stack.apiUrl}/v1/essays/${submitted.essays[1]?.essay_id}/timeline`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { transitions: { to: string }[] };
    expect(timeline.transitions.map((t) => t.to)).toEqual([
      'ready_for_processing',
      'awaiting_spellcheck',
      'spellchecking_in_progress',
      'spellchecked_success',
      // The second phase: text metrics (the NLP statuses), then the pipeline is done.
      'awaiting_nlp',
      'nlp_processing_in_progress',
      'nlp_success',
      'essay_all_processing_completed',
    ]);
    for (const e of view.essays)
      expect(e.results.metrics, `${e.name}: text metrics`).toMatchObject({
        words: expect.any(Number),
        readability_grade: expect.any(Number),
      });
    // Everything the flow wrote to the outbox went out through Kafka, and with a retention of 0
    // no row is kept.
    const keys = [submitted.batch_id, ...submitted.essays.map((e) => e.essay_id)];
    await waitFor(
      'published outbox rows deleted',
      async () =>
        rows<{ n: number }>(
          await fresh.database.db.execute(
            sql`select count(*)::int as n from outbox where key = any(${sql.param(keys)}::text[])`,
          ),
        )[0]?.n === 0,
      10_000,
      100,
    );

    // A client that drops and reconnects with Last-Event-ID gets the rest, nothing twice.
    const first = await readEvents(
      `${stack.apiUrl}${submitted.events_url}?last_event_id=0`,
      token,
      undefined,
      4,
    );
    expect(first).toHaveLength(4);
    const rest = await readEvents(
      `${stack.apiUrl}${submitted.events_url}`,
      token,
      first.at(-1)?.id,
    );
    expect(rest.at(-1)?.event).toBe('end');
    const seen = [...first, ...rest.slice(0, -1)].map((e) => Number(e.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(Math.min(...rest.slice(0, -1).map((e) => Number(e.id)))).toBeGreaterThan(
      Number(first.at(-1)?.id),
    );
    const changes = [...first, ...rest].filter((e) => e.event === 'essay_status');
    // Eight transitions per essay (both phases), each seen once.
    expect(changes).toHaveLength(24);
  });

  it("huleedu submit uploads a folder, follows it and writes the corrected texts and the teacher's report", async () => {
    const out = join(dir, 'submit-out');
    const r = spawnSync(
      'npx',
      ['tsx', 'cli/huleedu.ts', 'submit', 'examples/essays', '--api', stack.apiUrl, '--out', out],
      {
        cwd: new URL('../../', import.meta.url).pathname,
        env: { ...process.env, HULEEDU_TOKEN: token },
        encoding: 'utf8',
        timeout: 180_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/completed_successfully: 3 essays, 9 corrections, 0 failures/);
    expect(readFileSync(join(out, '01-holiday.txt'), 'utf8')).toContain(
      'I believe that it was because my friend came with us.',
    );
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain(
      '<del aria-label="was">beleive</del><ins aria-label="now">believe</ins>',
    );
    expect(html.match(/<span class="fix"/g)).toHaveLength(9);
    expect(html.match(/<dl class="figures" aria-label="Text metrics">/g)).toHaveLength(3);
    expect(r.stdout).toMatch(/\t41 words, 4 sentences, [\d.]+ MTLD, [\d.]+ grade/);
  });

  it("the viewer (/inspect) draws both charts, follows a batch live, travels an essay's timeline; the report shows corrections in place (real browser)", async () => {
    const { browser, close } = await launchBrowser();
    try {
      // The batch is recorded as the api records it, and the viewer is following it before
      // its events are published: every change it shows afterwards came live.
      const id = randomUUID();
      const content = createContentClient({
        baseUrl: `http://127.0.0.1:${stack.portOf('content')}`,
        timeoutMs: 5_000,
      });
      const storageIds = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          content.storeText(`I beleive that essay ${i} was writen becuase my freind asked.`),
        ),
      );
      content.close();
      const registry = new BatchRegistry(fresh.database.db);
      const { batch } = await registry.create(
        {
          batchId: id,
          teacherId: 'smoke-teacher',
          idempotencyKey: null,
          courseCode: null,
          language: 'en',
          pipeline: ['spellcheck', 'metrics'],
          essayCount: 20,
          correlationId: randomUUID(),
        },
        storageIds.map((textStorageId, i) => ({
          essayId: `${id}-${String(i + 1).padStart(4, '0')}`,
          batchId: id,
          position: i,
          name: `v${String(i).padStart(2, '0')}.txt`,
          textStorageId,
        })),
      );
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${stack.apiUrl}/inspect#token=${token}&batch=${id}`);
      await page.waitForSelector('body[data-ready="true"]');
      // Functions, not strings: the page's CSP forbids evaluating strings. No DOM types here,
      // so the page's globals are reached through a cast.
      await page.waitForFunction(
        () => (globalThis as unknown as { __viewer: { connected: boolean } }).__viewer.connected,
      );
      expect(await page.locator('#batch-chart').getAttribute('data-current')).not.toBe(
        'completed_successfully',
      );
      const nc = await connectNats(NATS_SERVERS, 'smoke-viewer');
      try {
        await new JetStreamPublisher(nc).publish(
          submissionEvents(batch, await registry.essays(id)),
        );
      } finally {
        await nc.close();
      }

      // Both charts, every state of the definitions.
      for (const [chart, type] of [
        ['#essay-chart', 'essay'],
        ['#batch-chart', 'batch'],
      ] as const)
        for (const s of stateNames(MACHINE_DEFINITIONS[type].machine))
          expect(await page.locator(`${chart} [data-state="${s}"]`).count(), `${type} ${s}`).toBe(
            1,
          );

      // The batch moves on the page, from its live feed: no reload.
      await page.waitForFunction(
        () => {
          type El = { getAttribute(name: string): string | null } | null;
          const doc = (globalThis as unknown as { document: { querySelector(s: string): El } })
            .document;
          return (
            doc.querySelector('#batch-chart')?.getAttribute('data-current') ===
              'completed_successfully' &&
            doc
              .querySelector('#essay-chart [data-state="essay_all_processing_completed"]')
              ?.getAttribute('data-count') === '20'
          );
        },
        undefined,
        { timeout: 120_000 },
      );
      expect(
        await page.evaluate(
          () =>
            (globalThis as unknown as { __viewer: { liveUpdates: number } }).__viewer.liveUpdates,
        ),
      ).toBeGreaterThan(0);
      expect(
        await page
          .locator('#groups section[data-status="essay_all_processing_completed"] button')
          .count(),
      ).toBe(20);
      await page.screenshot({ path: `${SCREENSHOTS}viewer-batch.png`, fullPage: true });

      // An essay: its real current state highlighted; time travel walks its journal.
      const essayId = `${id}-0001`;
      await page.click(`button[data-essay="${essayId}"]`);
      await page.waitForSelector('#essay-detail-chart[data-now]');
      const now = (await client.essay(essayId)).status;
      expect(await page.locator('#essay-detail-chart').getAttribute('data-now')).toBe(now);
      expect(
        await page.locator('#essay-detail-chart .node.current').getAttribute('data-state'),
      ).toBe(now);
      const timeline = (await (
        await fetch(`${stack.apiUrl}/v1/essays/${essayId}/timeline`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as { transitions: { to: string; event_type: string }[] };
      expect(timeline.transitions.length).toBeGreaterThan(3);
      await page.click('#first');
      for (const [i, t] of timeline.transitions.entries()) {
        if (i > 0) await page.click('#next');
        expect(
          await page.locator('#essay-detail-chart .node.current').getAttribute('data-state'),
          `step ${i}`,
        ).toBe(t.to);
        expect(await page.locator('#step').textContent()).toContain(`after ${t.event_type}`);
      }
      await page.screenshot({ path: `${SCREENSHOTS}viewer-essay.png`, fullPage: true });

      // The teacher's report of the batch: corrections in place.
      const report = await browser.newPage({
        extraHTTPHeaders: { authorization: `Bearer ${token}` },
      });
      await report.goto(`${stack.apiUrl}/v1/batches/${id}/report`);
      const fix = report.locator('section', { hasText: 'v00.txt' }).locator('.fix').first();
      expect(await fix.locator('del').textContent()).toBe('beleive');
      expect(await fix.locator('ins').textContent()).toBe('believe');
      expect(await fix.isVisible()).toBe(true);
      // ... and the essay's text metrics beside them.
      const figures = report.locator('section', { hasText: 'v00.txt' }).getByLabel('Text metrics');
      expect(await figures.isVisible()).toBe(true);
      expect(await figures.locator('dt').first().textContent()).toBe('Words');
      await report.screenshot({ path: `${SCREENSHOTS}report.png`, fullPage: true });
    } finally {
      await close();
    }
  });

  it('the same Idempotency-Key twice gives one batch; another teacher cannot see it', async () => {
    const essays = [{ name: 'a.txt', text: 'One more essay.' }];
    const a = await client.submitTexts(essays, { idempotencyKey: 'smoke-key-1' });
    const b = await client.submitTexts(essays, { idempotencyKey: 'smoke-key-1' });
    expect(b.batch_id).toBe(a.batch_id);
    const other = new ApiClient(stack.apiUrl, signToken('someone-else', SECRET, 600));
    await expect(other.batch(a.batch_id)).rejects.toMatchObject({
      status: 404,
      code: 'HULEEDU_NOT_FOUND',
    });
    const anonymous = await fetch(`${stack.apiUrl}/v1/batches/${a.batch_id}`);
    expect(anonymous.status).toBe(401);
  });

  it('a batch cancelled while it runs ends cancelled, and its stream ends', async () => {
    const essays = Array.from({ length: 400 }, (_, i) => ({
      name: `long-${i}.txt`,
      text: 'Thsi essay has sevral mispelled wrods in evry sentance. '.repeat(40),
    }));
    const submitted = await client.submitTexts(essays);
    const cancelled = await client.cancel(submitted.batch_id);
    expect(cancelled.status).toBe('cancel_requested');
    const events = await readEvents(`${stack.apiUrl}${submitted.events_url}`, token, undefined);
    expect(JSON.parse(events.at(-1)?.data ?? '{}').status).toBe('cancelled');
    const view = await client.batch(submitted.batch_id);
    expect(view.status).toBe('cancelled');
    expect(view.done).toBe(true);
  });

  it('a retry runs the phase again for the essays that failed it', async () => {
    // A batch the spell checker fails whole (language "sv", which the api would refuse and the
    // engine does not implement), recorded and published exactly as the api does it.
    const batchId = randomUUID();
    const content = createContentClient({
      baseUrl: `http://127.0.0.1:${stack.portOf('content')}`,
      timeoutMs: 5_000,
    });
    const texts = ['Ett kort svenskt prov.', 'En annan text.'];
    const ids = await Promise.all(texts.map((t) => content.storeText(t)));
    content.close();
    const { batch } = await new BatchRegistry(fresh.database.db).create(
      {
        batchId,
        teacherId: 'smoke-teacher',
        idempotencyKey: null,
        courseCode: null,
        language: 'sv',
        pipeline: ['spellcheck'],
        essayCount: 2,
        correlationId: randomUUID(),
      },
      ids.map((textStorageId, i) => ({
        essayId: `${batchId}-000${i + 1}`,
        batchId,
        position: i,
        name: `sv-${i}.txt`,
        textStorageId,
      })),
    );
    const nc = await connectNats(NATS_SERVERS, 'smoke-retry');
    try {
      await new JetStreamPublisher(nc).publish(
        submissionEvents(batch, await new BatchRegistry(fresh.database.db).essays(batchId)),
      );
    } finally {
      await nc.close();
    }
    const concluded = (status: string) =>
      waitFor(
        `batch ${status} with every essay concluded`,
        async () => {
          const v = await client.batch(batchId);
          return v.status === status && v.done ? v : undefined;
        },
        60_000,
        200,
      );
    const first = await concluded('failed_critically');
    expect(first.essays.map((e) => e.error?.code)).toEqual(
      Array(2).fill('HULEEDU_UNSUPPORTED_LANGUAGE'),
    );
    const retry = await fetch(`${stack.apiUrl}/v1/batches/${batchId}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(retry.status).toBe(202);
    expect(((await retry.json()) as { essay_ids: string[] }).essay_ids).toHaveLength(2);
    // The phase ran again (still failing: the language is still unsupported), and concluded again.
    const essayId = `${batchId}-0001`;
    await waitFor(
      'the essay failed its phase a second time',
      async () => {
        const r = await fetch(`${stack.apiUrl}/v1/essays/${essayId}/timeline`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const t = (await r.json()) as { transitions: { to: string; rejected: boolean }[] };
        return (
          t.transitions.filter((x) => !x.rejected && x.to === 'spellcheck_failed').length === 2 &&
          t.transitions.at(-1)?.to === 'essay_partially_processed_with_failures'
        );
      },
      60_000,
      200,
    );
    await concluded('failed_critically');
    // A batch that did not fail cannot be retried.
    const done = await client.submitTexts([{ name: 'ok.txt', text: 'All good here.' }]);
    await waitFor(
      'clean batch done',
      async () => (await client.batch(done.batch_id)).done,
      60_000,
      200,
    );
    const refused = await fetch(`${stack.apiUrl}/v1/batches/${done.batch_id}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(refused.status).toBe(409);
  }, 240_000);

  it('stops every process it started on SIGTERM (no orphans)', async () => {
    const children = stack.childPids();
    // infra's helper has exited; the five app services remain (tsx may add its esbuild service).
    const commands = children.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    for (const s of APP_SERVICES)
      expect(
        commands.filter((c) => c.includes(s.entry)),
        s.entry,
      ).toHaveLength(1);
    expect(await stack.process.stop('SIGTERM')).toBe(0);
    await waitFor(
      'every child process gone',
      () => children.every((pid) => !alive(pid)),
      30_000,
      100,
    );
    expect(stack.process.output()).toContain('[stack] stopped');
  });
});
