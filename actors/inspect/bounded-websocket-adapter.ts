import type { StatelyInspectionEvent } from '@statelyai/inspect';
import { configure } from 'safe-stable-stringify';
import WebSocket from 'ws';

export interface BoundedAdapterOptions {
  url: string;
  /** Events kept while the inspector is away or slow; beyond, new events are dropped. */
  maxQueued?: number;
  /** Bytes the socket may hold unsent before events queue instead (a slow inspector). */
  maxBufferedBytes?: number;
  /** Wait before reconnecting after the inspector went away. */
  reconnectMs?: number;
  /** Told once per connection problem (never per event). */
  onProblem?: (message: string) => void;
}

const stringify = configure({ maximumDepth: 10 });

/**
 * An `@statelyai/inspect` adapter over a WebSocket that never slows or breaks its caller: a
 * send never blocks or throws; while the inspector is connecting, gone or slow, events wait in
 * a bounded queue, and once that is full they are dropped and counted. (The library's own
 * WebSocket adapter writes without looking at the socket's buffer, so a slow inspector would
 * grow it without bound.) Reconnects by itself.
 */
export class BoundedWebSocketAdapter {
  private ws: WebSocket | undefined;
  private readonly queue: string[] = [];
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private readonly maxQueued: number;
  private readonly maxBufferedBytes: number;
  private readonly reconnectMs: number;
  /** Events sent to the socket. */
  sent = 0;
  /** Events dropped because the queue was full. */
  dropped = 0;

  constructor(private readonly options: BoundedAdapterOptions) {
    this.maxQueued = options.maxQueued ?? 10_000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.reconnectMs = options.reconnectMs ?? 2_000;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.removeAllListeners();
    this.ws?.on('error', () => {});
    this.ws?.terminate();
    this.ws = undefined;
  }

  send(event: StatelyInspectionEvent): void {
    let text: string;
    try {
      text = stringify(event) ?? '';
    } catch {
      this.dropped++;
      return;
    }
    if (this.queue.length === 0 && this.writable()) {
      this.write(text);
      return;
    }
    if (this.queue.length >= this.maxQueued) {
      this.dropped++;
      return;
    }
    this.queue.push(text);
    this.flush();
  }

  /** Events waiting to be sent. */
  get queued(): number {
    return this.queue.length;
  }

  private writable(): boolean {
    return this.ws?.readyState === WebSocket.OPEN && this.ws.bufferedAmount < this.maxBufferedBytes;
  }

  private write(text: string): void {
    // The callback reports a failed write; the socket's close handler reconnects.
    this.ws?.send(text, (error) => {
      if (error) this.dropped++;
    });
    this.sent++;
  }

  private flush(): void {
    while (this.queue.length > 0 && this.writable()) this.write(this.queue.shift() as string);
    // Still full: try again once the socket has drained some.
    if (this.queue.length > 0 && this.ws?.readyState === WebSocket.OPEN && !this.timer)
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, 50).unref();
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.options.url);
    this.ws = ws;
    ws.on('open', () => this.flush());
    ws.on('message', () => {});
    ws.on('error', (error) =>
      this.options.onProblem?.(`inspector ${this.options.url}: ${error.message}`),
    );
    ws.on('close', () => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = undefined;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.connect();
      }, this.reconnectMs).unref();
    });
  }
}
