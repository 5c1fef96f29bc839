import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { machineGraph } from '../../../../../machines/diagram/index.ts';
import { MACHINE_DEFINITIONS, stateNames } from '../../../../../machines/index.ts';
import { viewerRoutes } from '../../../../../services/api/viewer/viewer-routes.ts';

describe('viewer routes (/inspect)', () => {
  it('serve the page and its assets from this origin only, and the laid-out charts', async () => {
    const app = Fastify();
    await viewerRoutes(app);
    const page = await app.inject({ method: 'GET', url: '/inspect' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    // No CDN, no other origin: every src/href is local.
    for (const [, url] of page.body.matchAll(/(?:src|href)="([^"]+)"/g))
      expect(url, url).toMatch(/^(\/inspect\/|data:)/);
    const js = await app.inject({ method: 'GET', url: '/inspect/viewer.js' });
    expect(js.statusCode).toBe(200);
    expect(js.body).toContain('EventSource');
    expect((await app.inject({ method: 'GET', url: '/inspect/viewer.css' })).statusCode).toBe(200);

    const charts = (
      await app.inject({ method: 'GET', url: '/inspect/charts.json' })
    ).json() as Record<
      string,
      {
        nodes: { name: string; final: boolean }[];
        edges: { from: string; to: string; label: string }[];
      }
    >;
    for (const [type, def] of Object.entries(MACHINE_DEFINITIONS)) {
      const chart = charts[type];
      expect(chart?.nodes.map((n) => n.name).sort()).toEqual(stateNames(def.machine).sort());
      expect(chart?.edges).toHaveLength(machineGraph(def.machine).transitions.length);
      for (const n of chart?.nodes ?? [])
        expect(n.final, n.name).toBe(def.machine.root.states[n.name]?.type === 'final');
    }
    await app.close();
  });
});
