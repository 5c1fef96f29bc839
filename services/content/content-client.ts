import { Agent, request } from 'node:http';
import {
  DependencyUnavailableError,
  HuleEduError,
  PermanentError,
} from '../../common-core/index.ts';

export interface ContentClient {
  /** The text stored under `storageId`; HULEEDU_NOT_FOUND when absent. */
  fetchText(storageId: string, correlationId?: string | null): Promise<string>;
  /** Store `text`; resolves to its storage id. */
  storeText(text: string, correlationId?: string | null): Promise<string>;
  close(): void;
}

export interface ContentClientOptions {
  baseUrl: string;
  timeoutMs: number;
}

/**
 * HTTP client of the content service with keep-alive connections. Network errors, timeouts
 * and 5xx become retryable `DependencyUnavailableError`s; 404 a `HULEEDU_NOT_FOUND`; other
 * 4xx a permanent error.
 */
export function createContentClient(options: ContentClientOptions): ContentClient {
  const base = options.baseUrl.replace(/\/$/, '');
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });

  async function call(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    correlationId?: string | null,
  ): Promise<{ status: number; text: string }> {
    const url = new URL(`${base}${path}`);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent,
          timeout: options.timeoutMs,
          headers: {
            ...(body !== undefined
              ? {
                  'content-type': 'text/plain; charset=utf-8',
                  'content-length': Buffer.byteLength(body),
                }
              : {}),
            ...(correlationId ? { 'x-correlation-id': correlationId } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', (e) =>
            reject(
              new DependencyUnavailableError(`content service response failed: ${e.message}`, {
                cause: e,
              }),
            ),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)));
      req.on('error', (e) =>
        reject(
          new DependencyUnavailableError(`content service unreachable at ${base}: ${e.message}`, {
            cause: e,
          }),
        ),
      );
      req.end(body);
    });
  }

  function check(status: number, text: string, what: string): void {
    if (status >= 200 && status < 300) return;
    if (status === 404)
      throw new HuleEduError('HULEEDU_NOT_FOUND', `${what}: not found in the content service`);
    if (status >= 500 || status === 429)
      throw new DependencyUnavailableError(`${what}: content service answered ${status}`);
    throw new PermanentError(`${what}: content service answered ${status}: ${text.slice(0, 200)}`);
  }

  return {
    async fetchText(storageId, correlationId) {
      const r = await call(
        'GET',
        `/v1/content/${encodeURIComponent(storageId)}`,
        undefined,
        correlationId,
      );
      check(r.status, r.text, `text ${storageId}`);
      return r.text;
    },
    async storeText(text, correlationId) {
      const r = await call('POST', '/v1/content', text, correlationId);
      check(r.status, r.text, 'storing corrected text');
      const id = (JSON.parse(r.text) as { storage_id?: unknown }).storage_id;
      if (typeof id !== 'string')
        throw new PermanentError('content service returned no storage_id');
      return id;
    },
    close() {
      agent.destroy();
    },
  };
}
