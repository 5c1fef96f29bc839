import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * Fastify's `serverFactory` for an HTTP server that closes a connection whose request (headers
 * and body) has not fully arrived within `requestTimeoutMs` (answering 408). Node checks that
 * only every `connectionsCheckingInterval` (30 s by default), so a short timeout alone would
 * let a stalled upload hold its buffers for half a minute more; the check here runs at a tenth
 * of the timeout (at least every 100 ms, at most every second).
 */
export function timedServer(requestTimeoutMs: number) {
  return (handler: (req: IncomingMessage, res: ServerResponse) => void): Server =>
    createServer(
      {
        requestTimeout: requestTimeoutMs,
        headersTimeout: Math.min(requestTimeoutMs, 60_000),
        connectionsCheckingInterval: Math.max(
          100,
          Math.min(1_000, Math.floor(requestTimeoutMs / 10)),
        ),
      },
      handler,
    );
}
