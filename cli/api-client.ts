import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { HuleEduError, isErrorCode } from '../common-core/index.ts';

import type { TextCorrection } from '../services/api/corrections.ts';
import type { BatchView, EssaySummary } from '../services/api/views.ts';

export type { BatchView, EssaySummary };

/** What the api answers for a submitted batch. */
export interface Submitted {
  batch_id: string;
  essays: { essay_id: string; name: string }[];
  status_url: string;
  events_url: string;
}

/** `GET /v1/essays/:id`: the summary, the corrected text and every correction. */
export interface EssayDetail extends EssaySummary {
  corrected_text: string | null;
  corrections: TextCorrection[];
}

/**
 * An api error answer, with its `HULEEDU_` code and any listed problems. An answer that is not
 * the api's own (a proxy's 502 page, say) gets the code its status means; `answerCode` keeps
 * what was said (`HTTP_502`).
 */
export class ApiError extends HuleEduError {
  readonly answerCode: string;

  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly problems: { name: string; problem: string }[] = [],
  ) {
    super(
      isErrorCode(code)
        ? code
        : status === 0 || status >= 500
          ? 'HULEEDU_DEPENDENCY_UNAVAILABLE'
          : 'HULEEDU_BAD_REQUEST',
      message,
    );
    this.name = 'ApiError';
    this.answerCode = code;
  }
}

/** A thin client of the edge api for the CLI and the smoke tests. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(
    method: string,
    path: string,
    body?: FormData | string,
    headers: Record<string, string> = {},
  ): Promise<T> {
    return JSON.parse(await this.request(method, path, body, headers)) as T;
  }

  /** The body of a 2xx answer as text; any other answer becomes an ApiError. */
  private async request(
    method: string,
    path: string,
    body?: FormData | string,
    headers: Record<string, string> = {},
  ): Promise<string> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...headers },
        ...(body === undefined ? {} : { body }),
      });
    } catch (error) {
      throw new ApiError(
        0,
        'HULEEDU_DEPENDENCY_UNAVAILABLE',
        `the api at ${this.baseUrl} does not answer (${(error as Error).message}); is it running (npm run stack)?`,
      );
    }
    const text = await res.text();
    if (!res.ok) {
      let parsed: { code?: string; message?: string; details?: { problems?: unknown } } = {};
      try {
        parsed = JSON.parse(text);
      } catch {
        // not our error shape
      }
      const problems = Array.isArray(parsed.details?.problems)
        ? (parsed.details.problems as { name: string; problem: string }[])
        : [];
      throw new ApiError(
        res.status,
        parsed.code ?? `HTTP_${res.status}`,
        parsed.message ?? text.slice(0, 200),
        problems,
      );
    }
    return text;
  }

  /** The teacher's report of a batch: html (a page), json or csv, as text. */
  report(batchId: string, format: 'html' | 'json' | 'csv'): Promise<string> {
    return this.request(
      'GET',
      `/v1/batches/${encodeURIComponent(batchId)}/report?format=${format}`,
    );
  }

  /** Upload files as one batch (multipart). */
  submitFiles(
    files: readonly string[],
    options: { courseCode?: string; idempotencyKey?: string } = {},
  ): Promise<Submitted> {
    const form = new FormData();
    if (options.courseCode) form.append('course_code', options.courseCode);
    for (const f of files) form.append('essays', new Blob([readFileSync(f)]), basename(f));
    return this.call(
      'POST',
      '/v1/batches',
      form,
      options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {},
    );
  }

  /** Submit texts as one batch (JSON). */
  submitTexts(
    essays: readonly { name: string; text: string }[],
    options: { idempotencyKey?: string } = {},
  ): Promise<Submitted> {
    return this.call('POST', '/v1/batches', JSON.stringify({ essays }), {
      'content-type': 'application/json',
      ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
    });
  }

  batch(batchId: string): Promise<BatchView> {
    return this.call('GET', `/v1/batches/${encodeURIComponent(batchId)}`);
  }

  essay(essayId: string): Promise<EssayDetail> {
    return this.call('GET', `/v1/essays/${encodeURIComponent(essayId)}`);
  }

  cancel(batchId: string): Promise<{ batch_id: string; status: string }> {
    return this.call('POST', `/v1/batches/${encodeURIComponent(batchId)}/cancel`);
  }

  /**
   * Follow a batch's live events until `end` (resolves true) or `signal` aborts (false). A
   * dropped connection is resumed with `Last-Event-ID`, so no event is seen twice.
   */
  async follow(
    batchId: string,
    onEvent: (event: EventSourceMessage) => void,
    signal: AbortSignal,
  ): Promise<boolean> {
    let lastEventId: string | undefined;
    for (let attempt = 0; !signal.aborted; attempt++) {
      let ended = false;
      try {
        const res = await fetch(
          new URL(`/v1/batches/${encodeURIComponent(batchId)}/events`, this.baseUrl),
          {
            headers: {
              authorization: `Bearer ${this.token}`,
              accept: 'text/event-stream',
              ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
            },
            signal,
          },
        );
        if (!res.ok || !res.body) {
          const text = await res.text();
          let code = `HTTP_${res.status}`;
          try {
            code = (JSON.parse(text) as { code: string }).code;
          } catch {}
          if (res.status < 500) throw new ApiError(res.status, code, text.slice(0, 200));
        } else {
          const parser = createParser({
            onEvent: (e) => {
              if (e.id) lastEventId = e.id;
              if (e.event === 'end') ended = true;
              onEvent(e);
            },
          });
          const decoder = new TextDecoder();
          for await (const chunk of res.body)
            parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
          if (ended) return true;
        }
      } catch (error) {
        if (signal.aborted) return false;
        if (error instanceof ApiError) throw error;
      }
      if (ended) return true;
      // Reconnect with a short, growing pause.
      await new Promise((r) => setTimeout(r, Math.min(5_000, 200 * 2 ** Math.min(attempt, 5))));
    }
    return false;
  }
}
