/**
 * The lifecycle host process (`actors/lifecycle/main.ts`) with one batch of results held after
 * its database transaction committed and before the consumer may commit its offsets: a crash
 * there leaves events applied that Kafka will deliver again. A crash test kills the process while
 * the batch is held, so the kill lands in that window every time.
 *
 * Environment: HOLD_MARKER (a file written with the held batch's event ids once held),
 * HOLD_AFTER_RESULTS (hold the batch that brings the count of applied results to at least this,
 * default 1).
 */
import { writeFileSync } from 'node:fs';
import { ActorRuntime, type Delivery } from '../../actors/runtime/index.ts';

const marker = process.env.HOLD_MARKER;
const after = Number(process.env.HOLD_AFTER_RESULTS ?? '1');
if (!marker) throw new Error('lifecycle-held-commit needs HOLD_MARKER');
const RESULTS = new Set(['PHASE_SUCCEEDED', 'PHASE_FAILED']);

const process_ = ActorRuntime.prototype.process;
let results = 0;
let held = false;
ActorRuntime.prototype.process = async function heldAfterCommit(
  this: ActorRuntime,
  deliveries: readonly Delivery[],
) {
  const outcome = await process_.call(this, deliveries);
  results += deliveries.filter((d) => RESULTS.has(d.event.type)).length;
  if (!held && results >= after) {
    held = true;
    writeFileSync(marker, JSON.stringify(deliveries.map((d) => d.eventId)));
    await new Promise<never>(() => {}); // until the test kills the process
  }
  return outcome;
};

await import('../../actors/lifecycle/main.ts');
