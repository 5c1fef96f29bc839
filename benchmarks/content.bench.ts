/**
 * Content service over HTTP on loopback: uploads/s and downloads/s of 4 KB texts, p99 latency.
 * The service runs as its own process (fs store in a temp dir); autocannon drives it.
 *   npm run bench:content -- [--seconds 5] [--connections 32] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort, startProcess } from '../tests/helpers/processes.ts';
import { numberArg, report } from './bench-output.ts';

const seconds = numberArg('seconds', 5);
const connections = numberArg('connections', 32);
const dir = mkdtempSync(join(tmpdir(), 'bench-content-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const proc = await startProcess(
  'services/content/main.ts',
  { CONTENT_PORT: String(port), CONTENT_STORE_PATH: dir, LOG_LEVEL: 'info' },
  /content service ready/,
);

const WORDS =
  'the essay argues that students learn more when they write every day about what they read'.split(
    ' ',
  );
function text4k(n: number): string {
  let s = `essay ${n}: `;
  while (s.length < 4096) s += `${WORDS[(s.length * 7 + n) % WORDS.length]} `;
  return s.slice(0, 4096);
}

let counter = 0;
const upload = await autocannon({
  url: `${base}/v1/content`,
  connections,
  duration: seconds,
  requests: [
    {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      // Distinct bodies: identical ones would only measure the idempotent "exists" path.
      setupRequest: (req) => ({ ...req, body: text4k(counter++) }),
    },
  ],
});

const ids: string[] = [];
for (let i = 0; i < 500; i++) {
  const r = await fetch(`${base}/v1/content`, {
    method: 'POST',
    body: text4k(1_000_000 + i),
    headers: { 'content-type': 'text/plain' },
  });
  ids.push(((await r.json()) as { storage_id: string }).storage_id);
}
let next = 0;
const download = await autocannon({
  url: base,
  connections,
  duration: seconds,
  requests: [
    {
      method: 'GET',
      setupRequest: (req) => ({ ...req, path: `/v1/content/${ids[next++ % ids.length]}` }),
    },
  ],
});
await proc.stop();
rmSync(dir, { recursive: true, force: true });

const errors = upload.non2xx + upload.errors + download.non2xx + download.errors;
const p99 = Math.max(upload.latency.p99, download.latency.p99);
report(
  `Content service, 4 KB texts, ${connections} connections, ${seconds} s each`,
  [
    `uploads:   ${Math.round(upload.requests.average)} req/s (p50 ${upload.latency.p50} ms, p99 ${upload.latency.p99} ms)`,
    `downloads: ${Math.round(download.requests.average)} req/s (p50 ${download.latency.p50} ms, p99 ${download.latency.p99} ms)`,
    `errors or non-2xx: ${errors}`,
  ],
  {
    uploads_per_s: Math.round(upload.requests.average),
    downloads_per_s: Math.round(download.requests.average),
    p99_ms: p99,
    upload_p99_ms: upload.latency.p99,
    download_p99_ms: download.latency.p99,
    errors,
  },
);
