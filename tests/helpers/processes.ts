import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Ports this process has handed out: each is given once. */
const givenPorts = new Set<number>();

/**
 * A free TCP port on 127.0.0.1, never one this process handed out before: the OS may offer a
 * port again once its probe socket is closed, and two services given the same port had one of
 * them fail with EADDRINUSE while the other answered its health checks (bug: the chaos run's
 * bridge "exited while starting" after the api it shared a port with was killed).
 */
export async function freePort(probe: () => Promise<number> = probePort): Promise<number> {
  for (;;) {
    const port = await probe();
    if (!givenPorts.has(port)) {
      givenPorts.add(port);
      return port;
    }
  }
}

/** A port the OS offers for listening on 127.0.0.1 now. */
function probePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  /** SIGTERM, then wait for exit; resolves to the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  /** SIGKILL its whole process group (started with `processGroup`); for cleanup after a failure. */
  killGroup: () => void;
}

/**
 * Start `node [nodeArgs] --import tsx <entry>` from the repo root and wait until its output
 * matches `ready`.
 */
export async function startProcess(
  entry: string,
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 30_000,
  nodeArgs: readonly string[] = [],
  options: { processGroup?: boolean } = {},
): Promise<RunningProcess> {
  // node --import tsx (not npx): SIGTERM must reach our process, whose handler drains and exits 0.
  // With `processGroup`, the process leads a group of its own, so that `killGroup()` also reaches
  // whatever it started (nothing is left behind when a test fails halfway).
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.processGroup === true,
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} not ready in ${timeoutMs} ms:\n${out}`)),
      timeoutMs,
    );
    const check = (): void => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} before ready:\n${out}`));
    });
  }).catch((e: unknown) => {
    child.kill('SIGKILL');
    throw e;
  });
  return {
    child,
    output: () => out,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
    killGroup: () => {
      if (child.pid === undefined || options.processGroup !== true) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    },
  };
}
