/**
 * How long a consumer's lanes (partitions, subjects) have gone without progress. A lane starts
 * its clock when work begins and stops it only when that work succeeds: a chunk that fails and
 * is fetched again keeps its first start time, so a message retried without end (e.g. a dead
 * letter the broker refuses) shows as a growing stall instead of a busy consumer.
 */
export class ProgressWatch {
  private readonly since = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Work began on `lane`; its clock keeps the earliest unfinished start. */
  begin(lane: string): void {
    if (!this.since.has(lane)) this.since.set(lane, this.now());
  }

  /** The work on `lane` is durable: the lane advanced. */
  advanced(lane: string): void {
    this.since.delete(lane);
  }

  /** Keep only these lanes (after a rebalance, the others belong to another member). */
  retain(lanes: ReadonlySet<string>): void {
    for (const lane of this.since.keys()) if (!lanes.has(lane)) this.since.delete(lane);
  }

  clear(): void {
    this.since.clear();
  }

  /** Milliseconds the longest-waiting lane has gone without advancing; 0 when all are idle. */
  stalledMs(): number {
    const now = this.now();
    let oldest = now;
    for (const t of this.since.values()) if (t < oldest) oldest = t;
    return now - oldest;
  }
}
