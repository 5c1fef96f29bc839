import { HuleEduError } from '../common-core/index.ts';

/**
 * Run a process entry point: a start-up failure (bad settings, a dependency down) prints
 * one clear line — the code and message, no stack for errors we raised on purpose — and
 * exits 1.
 */
export function runMain(processName: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof HuleEduError)
      console.error(`${processName}: ${error.code}: ${error.message}`);
    else console.error(`${processName}: failed to start:`, error);
    process.exit(1);
  });
}
