import { sep } from 'node:path';

const KAFKAJS_FRAME = `${sep}kafkajs${sep}`;

let installed = false;

/** True when `args` are an `emitWarning` call for a negative timeout armed by kafkajs. */
function isKafkajsNegativeTimeout(args: readonly unknown[]): boolean {
  const [warning, typeOrOptions] = args;
  const type =
    warning instanceof Error
      ? warning.name
      : typeof typeOrOptions === 'string'
        ? typeOrOptions
        : (typeOrOptions as { type?: unknown } | undefined)?.type;
  if (type !== 'TimeoutNegativeWarning') return false;
  // The call comes from a `setTimeout` a few frames below kafkajs' own function.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 16;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  return stack.includes(KAFKAJS_FRAME);
}

/**
 * Drops the `TimeoutNegativeWarning` that Node >= 23 prints when kafkajs arms a timer with a
 * negative delay (its request queue computes "throttled until" minus now from -1, on every
 * client: tulios/kafkajs#1751, unfixed in 2.2.4, its last release). Node clamps the delay to
 * 1 ms on every version, as Node 20 and 22 did silently, so the warning reports nothing a
 * user can act on; it would land on the stderr of every command and service. Only warnings
 * raised from kafkajs' frames are dropped: a negative timeout anywhere else still warns.
 * Installed once per process, by `createKafka`.
 */
export function dropKafkajsNegativeTimeoutWarnings(): void {
  if (installed) return;
  installed = true;
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((...args: unknown[]) => {
    if (!isKafkajsNegativeTimeout(args)) emitWarning(...args);
  }) as typeof process.emitWarning;
}
