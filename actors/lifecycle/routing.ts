import type { z } from 'zod';
import {
  decodeEnvelope,
  type EventEnvelope,
  type IncomingMessage,
  InvalidPayloadError,
  type ProcessingEvent,
  topicName,
} from '../../common-core/index.ts';
import type { Delivery } from '../runtime/index.ts';

/** Per-essay settings given to essay actors when they are created. */
export interface EssayDefaults {
  maxAttempts: number;
  resultTimeoutMs: number;
}

/**
 * What an actor type takes from one topic: the event, the schema of its data, and the
 * deliveries an envelope makes for actors of the type (none when it does not concern them).
 * Invalid data throws (and the message is dead-lettered as poison).
 */
export interface TopicRoute<D extends z.ZodType = z.ZodType> {
  event: ProcessingEvent;
  data: D;
  deliveries(envelope: EventEnvelope<z.output<D>>, defaults: EssayDefaults): Delivery[];
}

/**
 * The delivery of an envelope's event to one actor: its event id (the deduplication key) and
 * correlation carried over; `createWith`, when the event may create the actor.
 */
export function deliveryOf(
  envelope: Pick<EventEnvelope<unknown>, 'event_id' | 'correlation_id'>,
  actorType: string,
  actorId: string,
  event: Delivery['event'],
  createWith?: Record<string, unknown>,
): Delivery {
  return {
    actorType,
    actorId,
    eventId: envelope.event_id,
    correlationId: envelope.correlation_id,
    ...(createWith ? { createWith } : {}),
    event,
  };
}

/** A route with its data type inferred from its schema (a table of routes mixes data types). */
export function topicRoute<D extends z.ZodType>(route: TopicRoute<D>): TopicRoute {
  return route as unknown as TopicRoute;
}

/** The table of the consumed topics: each decoded once, then mapped by every type it concerns. */
export interface Router {
  /** Every topic some actor type consumes, in the order first registered. */
  topics: string[];
  /** The deliveries of one consumed message, in the order the types were registered. */
  route(message: IncomingMessage, defaults: EssayDefaults): Delivery[];
}

/**
 * The router of the given routes. Types sharing a topic must share its data schema (one decode
 * serves them all); a topic no route takes is refused as poison.
 */
export function buildRouter(routes: readonly TopicRoute[]): Router {
  const byTopic = new Map<string, { data: z.ZodType; routes: TopicRoute[] }>();
  for (const r of routes) {
    const topic = topicName(r.event);
    const entry = byTopic.get(topic);
    if (!entry) byTopic.set(topic, { data: r.data, routes: [r] });
    else if (entry.data !== r.data)
      throw new Error(`routes of topic ${topic} disagree on its data schema`);
    else entry.routes.push(r);
  }
  return {
    topics: [...byTopic.keys()],
    route(message, defaults) {
      const entry = byTopic.get(message.topic);
      if (!entry)
        throw new InvalidPayloadError(
          `the lifecycle host does not consume topic ${message.topic}`,
          [`topic: ${message.topic}`],
        );
      const envelope = decodeEnvelope(message.value, entry.data);
      return entry.routes.flatMap((r) => r.deliveries(envelope, defaults));
    },
  };
}
