import { execFileSync } from 'node:child_process';
import { APP_SERVICES } from '../../deploy/app-services.ts';
import { freePort, type RunningProcess, startProcess } from './processes.ts';

/** `npm run stack` as a test runs it: its own ports, and every process it started. */
export interface TestStack {
  process: RunningProcess;
  apiUrl: string;
  portOf: (service: string) => number;
  /** The pids of the app processes the stack started (its direct children). */
  childPids: () => number[];
}

/** Start scripts/stack.ts with a free port per service and `env`, and wait until it is ready. */
export async function startStack(
  env: Record<string, string>,
  timeoutMs = 180_000,
): Promise<TestStack> {
  const ports = new Map<string, number>();
  const portEnv: Record<string, string> = {};
  for (const s of APP_SERVICES) {
    const port = await freePort();
    ports.set(s.name, port);
    portEnv[s.portVar] = String(port);
  }
  const process = await startProcess(
    'scripts/stack.ts',
    { ...env, ...portEnv },
    /\[stack\] Ctrl-C stops everything/,
    timeoutMs,
    [],
    { processGroup: true },
  );
  return {
    process,
    apiUrl: `http://127.0.0.1:${ports.get('api')}`,
    portOf: (service) => ports.get(service) as number,
    childPids: () => {
      const pid = process.child.pid;
      if (pid === undefined) return [];
      try {
        return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
          .split('\n')
          .filter(Boolean)
          .map(Number);
      } catch {
        return []; // pgrep exits 1 when there are none
      }
    },
  };
}

/** Whether a process of that pid still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
