import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APP_SERVICES, compiledEntry, serviceEnvironment } from '../../../deploy/app-services.ts';

// No Docker engine here: the compose file is validated statically.
interface Service {
  ports?: string[];
  image?: string;
  build?: unknown;
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: unknown };
  restart?: string;
  environment?: Record<string, string>;
}

const root = new URL('../../../', import.meta.url);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), {
  merge: true,
}) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const scripts = (
  JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

describe('docker-compose.yml', () => {
  const services = Object.entries(compose.services);

  it('has the infrastructure with health checks and the one-shot topic bootstrap', () => {
    for (const name of ['kafka', 'nats', 'postgres']) {
      expect(compose.services[name]?.healthcheck, name).toBeDefined();
    }
    const topics = compose.services.topics;
    expect(topics?.restart).toBe('no');
    expect(topics?.depends_on?.kafka?.condition).toBe('service_healthy');
    expect(topics?.depends_on?.nats?.condition).toBe('service_healthy');
  });

  it('only depends on services that exist, with valid conditions', () => {
    for (const [name, svc] of services) {
      for (const [dep, { condition }] of Object.entries(svc.depends_on ?? {})) {
        const target = compose.services[dep];
        expect(target, `${name} -> ${dep}`).toBeDefined();
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(
          condition,
        );
        if (condition === 'service_healthy')
          expect(target?.healthcheck, `${dep} needs a healthcheck`).toBeDefined();
        if (condition === 'service_completed_successfully') expect(target?.restart).toBe('no');
      }
    }
  });

  it('runs compiled entries with node itself (no npm, npx or tsx in between), in the image the Dockerfile builds', () => {
    expect(existsSync(new URL('Dockerfile', root))).toBe(true);
    const sources = new Set(
      readdirSync(new URL('cli/', root)).map((f) => `dist/cli/${f.replace(/\.ts$/, '.js')}`),
    );
    for (const s of APP_SERVICES) sources.add(compiledEntry(s));
    for (const [name, svc] of services) {
      if (!svc.build) continue;
      const cmd = svc.command ?? [];
      expect(cmd[0], name).toBe('node');
      expect(cmd.join(' '), name).not.toMatch(/\b(npm|npx|tsx)\b/);
      const entry = cmd.find((a) => a.startsWith('dist/')) ?? '';
      expect(sources.has(entry), `${name}: ${entry} is not a compiled entry`).toBe(true);
      expect(svc.environment?.KAFKA_BROKERS).toBe('kafka:9092');
    }
  });

  it('restarts every long-running service, and only the one-shot bootstrap runs once', () => {
    for (const [name, svc] of services) {
      if (name === 'topics') expect(svc.restart).toBe('no');
      else expect(svc.restart, name).toBe('unless-stopped');
    }
  });

  it("keeps Kafka's data on its volume: KAFKA_LOG_DIRS is where the volume is mounted", () => {
    const kafka = compose.services.kafka as Service & { volumes?: string[] };
    const dir = kafka.environment?.KAFKA_LOG_DIRS;
    expect(dir).toBeDefined();
    expect(kafka.volumes).toContain(`kafka-data:${dir}`);
  });

  it('publishes ports on the loopback interface only', () => {
    for (const [name, svc] of services)
      for (const p of svc.ports ?? []) expect(p, name).toMatch(/^127\.0\.0\.1:/);
  });

  it('declares every named volume it mounts', () => {
    const text = readFileSync(new URL('docker-compose.yml', root), 'utf8');
    for (const [, name] of text.matchAll(/\[([a-z-]+):\/[^\]]*\]/g)) {
      expect(compose.volumes?.[name as string], name).toBeDefined();
    }
  });
});

describe('docker-compose.yml and npm run stack start the same application services', () => {
  const appServices = Object.entries(compose.services).filter(
    ([name, svc]) => svc.build !== undefined && name !== 'topics',
  );

  it('has exactly the services of deploy/app-services.ts', () => {
    expect(appServices.map(([name]) => name).sort()).toEqual(
      APP_SERVICES.map((s) => s.name).sort(),
    );
  });

  for (const service of APP_SERVICES) {
    it(`${service.name}: same command, port, environment, health check and dependencies`, () => {
      const svc = compose.services[service.name] as Service;
      expect(svc.command).toEqual(['node', ...service.nodeArgs, compiledEntry(service)]);
      expect(scripts[service.script]).toContain(service.entry);
      for (const flag of service.nodeArgs) expect(scripts[service.script]).toContain(flag);
      expect(svc.ports).toEqual([`127.0.0.1:${service.port}:${service.port}`]);
      const expected = {
        ...serviceEnvironment(service, {
          bind: '0.0.0.0',
          hostOf: (name) => name,
          portOf: (name) => APP_SERVICES.find((s) => s.name === name)?.port ?? 0,
        }),
        ...service.containerEnv,
      };
      expect(svc.environment).toMatchObject(expected);
      expect(svc.environment?.HULEEDU_SERVICE).toBe(service.name);
      expect(svc.healthcheck?.test).toEqual([
        'CMD',
        'node',
        'dist/deploy/healthcheck.js',
        service.name,
      ]);
      for (const dep of service.dependsOn)
        expect(svc.depends_on?.[dep]?.condition, `${service.name} -> ${dep}`).toBe(
          'service_healthy',
        );
    });
  }
});
