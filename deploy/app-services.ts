/**
 * The platform's application processes, in start order: the one list that `npm run stack`
 * starts and that docker-compose.yml must match (a test compares them: same services,
 * commands, ports, environment and dependencies). Only infrastructure (Kafka, NATS, Postgres,
 * the topic bootstrap) is compose's alone.
 */

/** A URL of another app service: its host differs (compose service name vs 127.0.0.1). */
export interface ServiceUrl {
  service: AppServiceName;
}

export type AppServiceName =
  | 'content'
  | 'lifecycle'
  | 'spellchecker'
  | 'metrics'
  | 'bridge'
  | 'api';

export interface AppService {
  name: AppServiceName;
  /** The npm script that runs it (`npm run <script>`). */
  script: string;
  /** Its entry file and Node flags (what the npm script runs, without npm in between). */
  entry: string;
  nodeArgs: readonly string[];
  /** The variables that set where it listens, and the port it listens on by default. */
  hostVar: string;
  portVar: string;
  port: number;
  /** Its environment beyond the infrastructure's (KAFKA_BROKERS, NATS_SERVERS, DATABASE_URL). */
  env: Readonly<Record<string, string | ServiceUrl>>;
  /** App services that must be healthy before it starts. */
  dependsOn: readonly AppServiceName[];
  /** Settings only the container needs (paths on its volumes). */
  containerEnv?: Readonly<Record<string, string>>;
}

export const APP_SERVICES: readonly AppService[] = [
  {
    name: 'content',
    script: 'content',
    entry: 'services/content/main.ts',
    nodeArgs: [],
    hostVar: 'CONTENT_HOST',
    portVar: 'CONTENT_PORT',
    port: 8000,
    env: {},
    dependsOn: [],
    containerEnv: { CONTENT_STORE_PATH: '/data/content' },
  },
  {
    name: 'lifecycle',
    script: 'lifecycle',
    entry: 'actors/lifecycle/main.ts',
    nodeArgs: ['--max-semi-space-size=64'],
    hostVar: 'LIFECYCLE_HOST',
    portVar: 'LIFECYCLE_PORT',
    port: 8001,
    env: {},
    dependsOn: [],
  },
  {
    name: 'spellchecker',
    script: 'spellchecker',
    entry: 'services/spellchecker/main.ts',
    nodeArgs: [],
    hostVar: 'SPELLCHECKER_METRICS_HOST',
    portVar: 'SPELLCHECKER_METRICS_PORT',
    port: 8002,
    env: { SPELLCHECKER_CONTENT_URL: { service: 'content' } },
    dependsOn: ['content'],
  },
  {
    name: 'metrics',
    script: 'metrics',
    entry: 'services/metrics/main.ts',
    nodeArgs: [],
    hostVar: 'METRICS_HOST',
    portVar: 'METRICS_PORT',
    port: 8004,
    env: { METRICS_CONTENT_URL: { service: 'content' } },
    dependsOn: ['content'],
  },
  {
    name: 'bridge',
    script: 'bridge',
    entry: 'bridge/main.ts',
    nodeArgs: [],
    hostVar: 'BRIDGE_HOST',
    portVar: 'BRIDGE_PORT',
    port: 8003,
    env: {},
    dependsOn: [],
  },
  {
    name: 'api',
    script: 'api',
    entry: 'services/api/main.ts',
    nodeArgs: [],
    hostVar: 'API_HOST',
    portVar: 'API_PORT',
    port: 8080,
    env: { API_CONTENT_URL: { service: 'content' } },
    dependsOn: ['content', 'lifecycle', 'bridge'],
  },
];

/**
 * A service's environment for a deployment: `bind` is the address it listens on, `hostOf`
 * names the host of another service, `portOf` its port.
 */
export function serviceEnvironment(
  service: AppService,
  where: {
    bind: string;
    hostOf: (name: AppServiceName) => string;
    portOf: (name: AppServiceName) => number;
  },
): Record<string, string> {
  const env: Record<string, string> = {
    [service.hostVar]: where.bind,
    [service.portVar]: String(where.portOf(service.name)),
  };
  for (const [k, v] of Object.entries(service.env))
    env[k] =
      typeof v === 'string' ? v : `http://${where.hostOf(v.service)}:${where.portOf(v.service)}`;
  return env;
}

/** The compiled entry the image runs (`npm run build` puts it under dist/). */
export function compiledEntry(service: AppService): string {
  return `dist/${service.entry.replace(/\.ts$/, '.js')}`;
}
