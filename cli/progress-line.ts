/**
 * Progress of essays being worked on: on a terminal one line rewritten in place (at most every
 * 100 ms), elsewhere a plain line at most once a second, so logs and pipes stay readable.
 *   [#########...............] 120/300 essays, 41.5/s, ETA 5 s
 */
export class ProgressLine {
  private readonly started = Date.now();
  private last = 0;
  private drawn = false;

  constructor(
    private readonly total: number,
    private readonly out: { tty: boolean; write: (text: string) => void },
  ) {}

  /** Show `done` of the total; `force` draws even when the last line is recent. */
  update(done: number, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < (this.out.tty ? 100 : 1_000)) return;
    this.last = now;
    const seconds = (now - this.started) / 1000;
    const rate = done / Math.max(seconds, 0.001);
    const eta = rate > 0 && done < this.total ? Math.ceil((this.total - done) / rate) : undefined;
    const width = 24;
    const filled = Math.round((width * Math.min(done, this.total)) / Math.max(this.total, 1));
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${this.total} essays, ${rate.toFixed(1)}/s${eta === undefined ? '' : `, ETA ${eta} s`}`;
    this.drawn = true;
    this.out.write(this.out.tty ? `\r${line}\u001b[K` : `${line}\n`);
  }

  /** End the in-place line (a terminal's cursor moves to the next line). */
  finish(): void {
    if (this.out.tty && this.drawn) this.out.write('\n');
  }
}
