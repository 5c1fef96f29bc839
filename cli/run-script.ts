import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** `.ts` when the sources run (tsx, tests), `.js` in the built package. */
const EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/**
 * Run one of the platform's scripts in a child Node process and wait for it: for one-time work
 * whose memory peak the caller must not carry (the first run's index and database builds).
 * `script` is the script's path from the repository root without its extension (`db/x`): the
 * `.ts` source through tsx, or the built `.js`. Rejects with the script's stderr.
 */
export function runScript(script: string, args: readonly string[] = []): Promise<void> {
  const path = fileURLToPath(new URL(`../${script}${EXTENSION}`, import.meta.url));
  const node = EXTENSION === '.ts' ? ['--import', 'tsx', path] : [path];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...node, ...args],
      { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (!error) return resolve();
        reject(new Error(`${script} failed: ${stderr.trim() || error.message}`));
      },
    );
  });
}
