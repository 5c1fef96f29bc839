/**
 * The smoke client: the platform's core flow from outside, as a teacher's tool would drive it.
 * It waits for the api, submits a class of three essays with known misspellings, follows the
 * batch's live events to the end, and checks that the batch completed, every essay was
 * corrected and measured (text metrics), and the corrections are the expected ones. The
 * GitHub workflow runs it against
 * `docker compose up`; `.ci/run` runs it against `npm run stack`.
 *
 *   npm run smoke:client -- [--api URL] [--token T] [--timeout-s N] [--json]
 *
 * Exit 0 when every check passed, 1 otherwise (each failed check is printed).
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ApiClient } from '../cli/api-client.ts';
import { developmentToken } from '../cli/dev-token.ts';

/** Essays and, for each, words its corrected text must contain and ones it must not. */
export const SMOKE_ESSAYS = [
  {
    name: 'letter.txt',
    text: 'Yesterday I recieve teh letter from my grandmother and I read it twice.',
    expect: ['receive', 'the letter'],
    gone: ['recieve', 'teh'],
  },
  {
    name: 'garden.txt',
    text: 'Behind our house there is a beautifull garden with many old trees.',
    expect: ['beautiful garden'],
    gone: ['beautifull'],
  },
  {
    name: 'council.txt',
    text: 'The goverment will definately decide about the new school next year.',
    expect: ['government', 'definitely'],
    gone: ['goverment', 'definately'],
  },
] as const;

async function waitForApi(baseUrl: string, deadline: number): Promise<void> {
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(new URL('/healthz', baseUrl), { signal: AbortSignal.timeout(3_000) });
      if (res.ok) return;
      last = `healthz ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  throw new Error(`the api at ${baseUrl} was not healthy in time (${last})`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    strict: true,
    options: {
      api: { type: 'string', default: process.env.HULEEDU_API_URL ?? 'http://127.0.0.1:8080' },
      token: { type: 'string' },
      'timeout-s': { type: 'string', default: '300' },
      json: { type: 'boolean', default: false },
    },
  });
  const started = Date.now();
  const deadline = started + Number(values['timeout-s']) * 1000;
  const say = (line: string) => console.log(`[smoke] ${line}`);
  await waitForApi(values.api, deadline);
  const client = new ApiClient(
    values.api,
    values.token ?? process.env.HULEEDU_TOKEN ?? developmentToken('smoke-teacher'),
  );
  const submitted = await client.submitTexts(
    SMOKE_ESSAYS.map(({ name, text }) => ({ name, text })),
    { idempotencyKey: randomUUID() },
  );
  say(`submitted batch ${submitted.batch_id} (${submitted.essays.length} essays)`);

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), Math.max(0, deadline - Date.now()));
  let events = 0;
  const ended = await client.follow(submitted.batch_id, () => events++, abort.signal);
  clearTimeout(timer);
  say(ended ? `live feed ended after ${events} events` : 'the batch did not end in time');

  const failures: string[] = [];
  const batch = await client.batch(submitted.batch_id);
  if (!ended) failures.push(`batch not final after ${values['timeout-s']} s: ${batch.status}`);
  if (batch.status !== 'completed_successfully')
    failures.push(`batch status ${batch.status}, expected completed_successfully`);
  let corrections = 0;
  for (const { essay_id, name } of submitted.essays) {
    const spec = SMOKE_ESSAYS.find((e) => e.name === name);
    const essay = await client.essay(essay_id);
    const text = essay.corrected_text ?? '';
    corrections += essay.corrections.length;
    if (essay.status !== 'essay_all_processing_completed')
      failures.push(`${name}: status ${essay.status}`);
    // The second phase ran too: the essay's text metrics are there.
    if (typeof essay.results.metrics?.words !== 'number')
      failures.push(`${name}: no text metrics (${JSON.stringify(essay.results)})`);
    for (const word of spec?.expect ?? [])
      if (!text.includes(word)) failures.push(`${name}: corrected text lacks "${word}": ${text}`);
    for (const word of spec?.gone ?? [])
      if (new RegExp(`\\b${word}\\b`).test(text))
        failures.push(`${name}: "${word}" is still there: ${text}`);
  }
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  say(
    `batch ${batch.status}; ${corrections} corrections in ${submitted.essays.length} essays; ${seconds} s`,
  );
  for (const f of failures) say(`FAILED: ${f}`);
  if (failures.length === 0) say('all checks passed');
  if (values.json)
    console.log(
      JSON.stringify({
        batch_id: submitted.batch_id,
        status: batch.status,
        essays: submitted.essays.length,
        corrections,
        live_events: events,
        seconds,
        failures,
      }),
    );
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[smoke] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
