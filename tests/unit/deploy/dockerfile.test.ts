import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APP_SERVICES } from '../../../deploy/app-services.ts';

// No Docker engine here: the Dockerfile and the observability files are read and checked for
// the faults a Docker user would meet (the workflow's compose-smoke job builds and runs them).
const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const dockerfile = read('Dockerfile');
/** Instructions, continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const stages = dockerfile.split(/^FROM /m).slice(1);
const runtime = stages.at(-1) ?? '';

describe('Dockerfile', () => {
  it('is multi-stage, and the runtime stage takes only dist/ and production dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const copies = runtime.split('\n').filter((l) => l.startsWith('COPY'));
    for (const c of copies) expect(c).toMatch(/--from=|package\.json|LICENSE/);
    expect(runtime).not.toMatch(/COPY \. /);
    for (const dir of ['tests', 'benchmarks'])
      expect(instructions.some((l) => l.startsWith('COPY') && l.includes(` ${dir}`))).toBe(false);
  });

  it('runs node directly under a real init, as a non-root user that owns every directory it writes', () => {
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]/m);
    const cmd = runtime.match(/^CMD (.*)$/m)?.[1] ?? '';
    expect(JSON.parse(cmd)[0]).toBe('node');
    expect(cmd).not.toMatch(/npm|npx|tsx/);
    const user = runtime.match(/^USER (\S+)/m)?.[1];
    expect(user).toBeDefined();
    expect(user).not.toBe('root');
    // Every data directory the processes write is made and chowned before USER.
    const beforeUser = runtime.slice(0, runtime.indexOf(`USER ${user}`));
    for (const dir of ['/data/content', '/data/cache']) {
      expect(beforeUser).toContain(dir);
      expect(beforeUser).toMatch(new RegExp(`chown -R ${user}:${user} /data`));
    }
    expect(runtime).toMatch(/CONTENT_STORE_PATH=\/data\/content/);
    expect(runtime).toMatch(/HULEEDU_CACHE_DIR=\/data\/cache/);
  });

  it('exposes every service port and has a health check', () => {
    const exposed = (runtime.match(/^EXPOSE (.*)$/m)?.[1] ?? '').split(/\s+/).map(Number);
    for (const s of APP_SERVICES) expect(exposed, s.name).toContain(s.port);
    expect(runtime.replace(/\\\n/g, ' ')).toMatch(
      /^HEALTHCHECK .*CMD \["node", "dist\/deploy\/healthcheck\.js"\]/m,
    );
  });

  it('.dockerignore keeps tests, benchmarks, data, jars and node_modules out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const p of ['tests/', 'benchmarks/', 'node_modules/', '.kafka/', '.data/', '.git/'])
      expect(ignored).toContain(p);
  });
});

describe('observability profile', () => {
  it('Prometheus scrapes every service on its port', () => {
    const config = parse(read('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    const targets = config.scrape_configs.flatMap((c) =>
      c.static_configs.flatMap((s) => s.targets),
    );
    for (const s of APP_SERVICES) expect(targets).toContain(`${s.name}:${s.port}`);
  });

  it('the Grafana dashboard asks only for metrics the services register', () => {
    const sources = ['messaging', 'bridge', 'actors', 'services']
      .flatMap((dir) =>
        readdirSync(new URL(`${dir}/`, root), { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.ts'))
          .map((f) => read(`${dir}/${f}`)),
      )
      .join('\n');
    const registered = new Set([...sources.matchAll(/name: '([a-z_]+)'/g)].map((m) => m[1]));
    const dashboard = JSON.parse(read('deploy/grafana/dashboards/huleedu.json')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const wanted = ['throughput', 'latency', 'dead letters', 'transitions', 'bridge lag'];
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(' | ');
    for (const w of wanted) expect(titles).toContain(w);
    for (const panel of dashboard.panels)
      for (const { expr } of panel.targets)
        for (const [metric] of expr.matchAll(/\b(huleedu|spellchecker|bridge|kafka|http)_[a-z_]+/g))
          expect(registered, `${panel.title}: ${metric}`).toContain(
            metric.replace(/_(bucket|sum|count)$/, ''),
          );
  });
});
