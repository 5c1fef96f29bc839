/**
 * `npm run stack`: the whole distributed platform on this machine. Starts Kafka (as `infra:up`
 * does, with the topic bootstrap; Postgres and NATS are checked and started where possible),
 * then every app service of deploy/app-services.ts as a process of its own, each waiting for
 * the health of those it depends on; prints the URLs and a development token; interleaves the
 * logs with a name prefix; and on Ctrl-C or SIGTERM stops every process it started (SIGTERM,
 * then SIGKILL after STACK_STOP_TIMEOUT_MS) — and Kafka too, if it started it.
 *
 * Ports: each service's port variable (CONTENT_PORT, API_PORT, ...) overrides its default, and
 * the URLs between services follow it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { developmentToken } from '../cli/dev-token.ts';
import { APP_SERVICES, type AppService, serviceEnvironment } from '../deploy/app-services.ts';
import { portOpen } from './kafka-broker.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const HEALTH_TIMEOUT_MS = Number(process.env.STACK_HEALTH_TIMEOUT_MS ?? 120_000);
const STOP_TIMEOUT_MS = Number(process.env.STACK_STOP_TIMEOUT_MS ?? 20_000);
const COLORS = [36, 33, 35, 32, 34, 31];
const tty = process.stdout.isTTY === true;

function say(message: string): void {
  console.log(`[stack] ${message}`);
}

const portOf = (name: string): number => {
  const service = APP_SERVICES.find((s) => s.name === name) as AppService;
  return Number(process.env[service.portVar] ?? service.port);
};

/** Print a child's lines with its name in front, so interleaved logs stay readable. */
function prefixLines(child: ChildProcess, name: string, color: number): void {
  const width = Math.max(...APP_SERVICES.map((s) => s.name.length));
  const label = name.padEnd(width);
  const prefix = tty ? `\u001b[${color}m${label}\u001b[0m | ` : `${label} | `;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) =>
      process.stdout.write(`${prefix}${line}\n`),
    );
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Run a command to completion with its output prefixed; rejects on a non-zero exit. */
function run(name: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    prefixLines(child, name, 90);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${name} exited with ${code}`)),
    );
  });
}

interface Started {
  service: AppService;
  child: ChildProcess;
  exited: Promise<number | null>;
}

async function main(): Promise<number> {
  const started: Started[] = [];
  let stopping: Promise<void> | undefined;
  const kafkaWasUp = await portOpen(9092);

  let requestStop: () => void = () => {};
  const stopRequested = new Promise<void>((resolve) => {
    requestStop = resolve;
  });
  const stopAll = (reason: string): Promise<void> => {
    requestStop();
    stopping ??= (async () => {
      say(`stopping (${reason})`);
      // A service stops once everything that depends on it has stopped; the rest in parallel.
      const stopOne = async (s: Started): Promise<void> => {
        if (s.child.exitCode !== null || s.child.signalCode !== null) return;
        s.child.kill('SIGTERM');
        const timer = setTimeout(() => {
          say(`${s.service.name} did not stop in ${STOP_TIMEOUT_MS} ms; SIGKILL`);
          s.child.kill('SIGKILL');
        }, STOP_TIMEOUT_MS);
        await s.exited;
        clearTimeout(timer);
      };
      let running = [...started];
      while (running.length > 0) {
        const needed = new Set(running.flatMap((s) => s.service.dependsOn));
        const level = running.filter((s) => !needed.has(s.service.name));
        await Promise.all(level.map(stopOne));
        running = running.filter((s) => !level.includes(s));
      }
      if (!kafkaWasUp)
        await run('infra', ['--import', 'tsx', 'scripts/infra.ts', 'down']).catch(() => {});
      say('stopped');
    })();
    return stopping;
  };
  let signalled: NodeJS.Signals | undefined;
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      signalled = sig;
      void stopAll(sig);
    });

  try {
    await run('infra', ['--import', 'tsx', 'scripts/infra.ts', 'up']);
    for (const [i, service] of APP_SERVICES.entries()) {
      if (signalled) break;
      for (const dep of service.dependsOn) {
        const url = `http://127.0.0.1:${portOf(dep)}/healthz`;
        if (!(await healthy(url)))
          throw new Error(`${service.name} needs ${dep}, which is not healthy`);
      }
      const env = {
        ...process.env,
        ...serviceEnvironment(service, { bind: '127.0.0.1', hostOf: () => '127.0.0.1', portOf }),
      };
      if (await portOpen(portOf(service.name)))
        throw new Error(
          `port ${portOf(service.name)} (${service.portVar}) is taken: is a stack already running?`,
        );
      // node directly, not npm: SIGTERM must reach the service, whose handler drains and exits.
      const child = spawn(
        process.execPath,
        [...service.nodeArgs, '--import', 'tsx', service.entry],
        {
          cwd: ROOT,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      started.push({ service, child, exited });
      prefixLines(child, service.name, COLORS[i % COLORS.length] as number);
      void exited.then((code) => {
        if (!stopping) {
          say(`${service.name} exited with ${code}; stopping the stack`);
          void stopAll(`${service.name} exited`);
        }
      });
      const url = `http://127.0.0.1:${portOf(service.name)}/healthz`;
      const deadline = Date.now() + HEALTH_TIMEOUT_MS;
      while (!(await healthy(url))) {
        if (stopping) break;
        if (Date.now() > deadline)
          throw new Error(`${service.name} not healthy at ${url} within ${HEALTH_TIMEOUT_MS} ms`);
        await new Promise((r) => setTimeout(r, 250));
      }
      if (!stopping) say(`${service.name} healthy at http://127.0.0.1:${portOf(service.name)}`);
    }
    if (stopping) {
      await stopping;
      return signalled ? 0 : 1;
    }
    const api = `http://127.0.0.1:${portOf('api')}`;
    say('ready:');
    say(`  api        ${api}  (OpenAPI at ${api}/docs)`);
    say(`  content    http://127.0.0.1:${portOf('content')}`);
    say(`  lifecycle  http://127.0.0.1:${portOf('lifecycle')}`);
    say(`  bridge     http://127.0.0.1:${portOf('bridge')}/healthz`);
    say(`  token      ${developmentToken('teacher-1')}   (sub teacher-1, 12 h)`);
    say('  submit     npm run huleedu -- submit examples/essays');
    say('Ctrl-C stops everything.');
    await stopRequested;
    await stopping;
    return signalled ? 0 : 1;
  } catch (error) {
    say(`failed: ${(error as Error).message}`);
    await stopAll('start-up failed');
    return 1;
  }
}

main().then((code) => process.exit(code));
