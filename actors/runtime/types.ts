/** An event addressed to one actor. */
export interface Delivery {
  /** A registered actor type (the key of its machine definition and effect interpreter). */
  actorType: string;
  actorId: string;
  /** Unique per logical event; an actor applies a given id at most once. */
  eventId: string;
  event: { type: string } & Record<string, unknown>;
  /** Input to create the actor with when it does not exist yet; without it, the event is rejected. */
  createWith?: Record<string, unknown>;
  correlationId?: string | null;
  /** Set for deliveries made by the timer poller: which arming of which timer fired. */
  firedTimer?: { timerKey: string; seq: number };
}

/** What a processed batch did, for metrics and callers. */
export interface ProcessResult {
  applied: number;
  rejected: number;
  duplicates: number;
  stateChanges: { actorType: string; actorId: string; from: string | null; to: string }[];
  /** Deliveries to actors that do not exist and that nothing could create (counted as rejected). */
  unknownActors: Delivery[];
}
