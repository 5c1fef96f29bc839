import type { IncomingMessage } from '../../common-core/index.ts';
import type { Delivery } from '../runtime/index.ts';
import { ACTOR_TYPES } from './actor-types.ts';
import { buildRouter, type EssayDefaults } from './routing.ts';

export { KNOWN_PHASES } from '../batch/batch-routes.ts';
export type { EssayDefaults } from './routing.ts';

/** The lifecycle's routing table, from the registered actor types' routes. */
const ROUTER = buildRouter(ACTOR_TYPES.flatMap((t) => t.routes));

/** The topics the lifecycle host consumes: every topic a registered actor type takes. */
export const LIFECYCLE_TOPICS: readonly string[] = ROUTER.topics;

/**
 * Turns one consumed envelope into the deliveries for the actors it concerns. Validates the data
 * against its topic's schema: anything invalid throws (and is dead-lettered as poison).
 */
export function routeMessage(message: IncomingMessage, defaults: EssayDefaults): Delivery[] {
  return ROUTER.route(message, defaults);
}
