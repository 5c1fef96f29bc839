import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MACHINE_DEFINITIONS } from '../../../machines/definitions.ts';
import { machineGraph } from '../../../machines/diagram/index.ts';
import { layoutChart } from './chart-layout.ts';
import { VIEWER_CSS, VIEWER_HTML } from './viewer-page.ts';

/** The page's script, read once (it sits beside this file, in the source tree and in dist/). */
const VIEWER_JS = readFileSync(new URL('./viewer-client.js', import.meta.url), 'utf8');

/** Everything from this origin only: no CDN, no inline script (the token is in the page). */
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The offline viewer at /inspect: the state charts drawn from the machine definitions, a
 * batch's essays grouped by state and updated live from its SSE feed, an essay's timeline with
 * time travel. Every asset is served here (schools' networks and CI have no internet). The page
 * and the charts are public (they hold no data); the data comes from the /v1 routes, with the
 * teacher's token and the same ownership rules.
 */
export async function viewerRoutes(app: FastifyInstance): Promise<void> {
  const charts = JSON.stringify(
    Object.fromEntries(
      Object.entries(MACHINE_DEFINITIONS).map(([type, def]) => [
        type,
        layoutChart(machineGraph(def.machine)),
      ]),
    ),
  );
  const send = (type: string, body: string) => async (_req: unknown, reply: FastifyReply) =>
    reply
      .header('content-type', type)
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-cache')
      .send(body);
  app.get('/inspect', { schema: { hide: true } }, send('text/html; charset=utf-8', VIEWER_HTML));
  app.get(
    '/inspect/viewer.js',
    { schema: { hide: true } },
    send('text/javascript; charset=utf-8', VIEWER_JS),
  );
  app.get(
    '/inspect/viewer.css',
    { schema: { hide: true } },
    send('text/css; charset=utf-8', VIEWER_CSS),
  );
  app.get('/inspect/charts.json', { schema: { hide: true } }, send('application/json', charts));
}
