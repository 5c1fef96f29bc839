import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine here: the compose file is validated statically.
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: unknown };
  restart?: string;
  environment?: Record<string, string>;
}

const root = new URL('../../', import.meta.url);
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

  it('runs only npm scripts that exist, in an image the Dockerfile builds', () => {
    expect(existsSync(new URL('Dockerfile', root))).toBe(true);
    for (const [name, svc] of services) {
      if (!svc.build) continue;
      const cmd = svc.command ?? [];
      expect(cmd.slice(0, 2), name).toEqual(['npm', 'run']);
      expect(scripts[cmd[2] ?? ''], `${name}: npm run ${cmd[2]}`).toBeDefined();
      expect(svc.environment?.KAFKA_BROKERS).toBe('kafka:9092');
    }
  });

  it('declares every named volume it mounts', () => {
    const text = readFileSync(new URL('docker-compose.yml', root), 'utf8');
    for (const [, name] of text.matchAll(/\[([a-z-]+):\/[^\]]*\]/g)) {
      expect(compose.volumes?.[name as string], name).toBeDefined();
    }
  });
});
