import type { AnyMachineSnapshot } from 'xstate';

export interface CachedActor {
  snapshot: AnyMachineSnapshot;
  version: number;
  lastUsed: number;
}

/**
 * Bounded in-memory cache of live actors. Least recently used actors are evicted past
 * `maxActors`, and `sweep()` passivates actors idle for longer than `idleMs`; both are
 * rehydrated from the database on their next event.
 */
export class SnapshotCache {
  private readonly entries = new Map<string, CachedActor>();

  constructor(
    private readonly maxActors: number,
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): CachedActor | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    // Re-insert: Map iteration order is the LRU order.
    this.entries.delete(key);
    hit.lastUsed = this.now();
    this.entries.set(key, hit);
    return hit;
  }

  /** The entry without marking it used: for a caller that will `set` it next anyway. */
  peek(key: string): CachedActor | undefined {
    return this.entries.get(key);
  }

  set(key: string, snapshot: AnyMachineSnapshot, version: number): void {
    const entry = this.entries.get(key);
    if (entry) {
      // Move to the newest end (Map order is the LRU order), reusing the entry.
      this.entries.delete(key);
      entry.snapshot = snapshot;
      entry.version = version;
      entry.lastUsed = this.now();
      this.entries.set(key, entry);
      return;
    }
    this.entries.set(key, { snapshot, version, lastUsed: this.now() });
    while (this.entries.size > this.maxActors) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Evict idle actors; returns how many. */
  sweep(): number {
    const cutoff = this.now() - this.idleMs;
    let evicted = 0;
    for (const [key, entry] of this.entries) {
      if (entry.lastUsed > cutoff) break; // LRU order: the rest are newer
      this.entries.delete(key);
      evicted++;
    }
    return evicted;
  }
}
