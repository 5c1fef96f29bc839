import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { AppService } from '../../deploy/app-services.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * One application service as a process of its own that the chaos suite can kill and start
 * again: same entry, flags and environment each time, its output appended to one log file.
 */
export class AppProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  starts = 0;

  constructor(
    readonly service: AppService,
    private readonly env: Record<string, string>,
    readonly port: number,
    private readonly logFile: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  start(): void {
    const out = openSync(this.logFile, 'a');
    const child = spawn(
      process.execPath,
      [...this.service.nodeArgs, '--import', 'tsx', this.service.entry],
      { cwd: ROOT, env: { ...process.env, ...this.env }, stdio: ['ignore', out, out] },
    );
    closeSync(out);
    this.child = child;
    this.starts++;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Send `signal` and wait for the process to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.child?.kill(signal);
    await this.exited;
  }

  async healthy(): Promise<boolean> {
    if (!this.running) return false;
    try {
      const r = await fetch(`http://127.0.0.1:${this.port}/healthz`, {
        signal: AbortSignal.timeout(2_000),
      });
      return r.ok;
    } catch {
      return false;
    }
  }

  /** Wait until `/healthz` answers 200; throws naming the service after `timeoutMs`. */
  async waitHealthy(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.healthy())) {
      if (!this.running)
        throw new Error(`${this.service.name} exited while starting; see ${this.logFile}`);
      if (Date.now() > deadline)
        throw new Error(
          `${this.service.name} not healthy within ${timeoutMs} ms; see ${this.logFile}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
