import { createInspector } from '@statelyai/inspect';
import type { ObservedStep, RuntimeObserver } from '../runtime/index.ts';
import {
  type BoundedAdapterOptions,
  BoundedWebSocketAdapter,
} from './bounded-websocket-adapter.ts';

/** The inspector's name for an actor: stable across hosts and restarts. */
export const inspectorSessionId = (actorType: string, actorId: string): string =>
  `${actorType}:${actorId}`;

/**
 * The durable runtime seen in the Stately inspector (`LIFECYCLE_INSPECT=ws://…`, or
 * `huleedu process --inspect ws://…`). Our actors are not running XState actors (each event is
 * applied with the pure `transition()` and persisted), so they are reported by hand through
 * `@statelyai/inspect`'s `actor` / `event` / `snapshot` calls: an actor with its machine
 * definition when the runtime first creates or loads it, then every event applied to it and
 * the snapshot that resulted, exactly as committed. Refused events are reported as events with
 * the unchanged snapshot. Never slows or breaks processing (see BoundedWebSocketAdapter).
 */
export class StatelyInspector implements RuntimeObserver {
  readonly adapter: BoundedWebSocketAdapter;
  private readonly inspector: ReturnType<typeof createInspector<BoundedWebSocketAdapter>>;
  /** Actors announced on this connection's lifetime; bounded, oldest forgotten first. */
  private readonly announced = new Set<string>();
  private readonly maxAnnounced: number;

  constructor(options: BoundedAdapterOptions & { maxAnnounced?: number }) {
    this.maxAnnounced = options.maxAnnounced ?? 100_000;
    this.adapter = new BoundedWebSocketAdapter(options);
    this.inspector = createInspector(this.adapter, { autoStart: false });
    this.inspector.start();
  }

  committed(steps: readonly ObservedStep[]): void {
    try {
      for (const step of steps) this.report(step);
    } catch {
      // An inspector must never break processing.
    }
  }

  private report(step: ObservedStep): void {
    const sessionId = inspectorSessionId(step.actorType, step.actorId);
    if (step.appeared || !this.announced.has(sessionId)) {
      this.remember(sessionId);
      const snapshot = step.appeared?.snapshot ?? step.snapshot;
      // An actor-like object, so that the library sends the machine's definition with it.
      const machine = step.definition.machine;
      this.inspector.actor(
        {
          sessionId,
          id: step.actorId,
          logic: machine,
          send: () => {},
          getSnapshot: () => snapshot,
        } as unknown as Parameters<typeof this.inspector.actor>[0],
        snapshot,
      );
    }
    this.inspector.event(sessionId, step.event);
    this.inspector.snapshot(sessionId, step.snapshot, { event: step.event });
  }

  private remember(sessionId: string): void {
    this.announced.delete(sessionId);
    this.announced.add(sessionId);
    if (this.announced.size > this.maxAnnounced) {
      const oldest = this.announced.values().next().value;
      if (oldest !== undefined) this.announced.delete(oldest);
    }
  }

  stop(): void {
    this.inspector.stop();
  }
}
