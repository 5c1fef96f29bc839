import { describe, expect, it } from 'vitest';
import { isNotFound } from '../../../messaging/index.ts';
import { createTestStream } from '../../helpers/infra.ts';

/** What `info` threw, or undefined. */
async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('isNotFound (a real JetStream server)', () => {
  it('tells a missing stream and a missing consumer apart by the API code, and nothing else is "not found"', async () => {
    const stream = await createTestStream();
    try {
      const jsm = stream.jsm;
      const noStream = await failure(jsm.streams.info(`NO_SUCH_${Date.now()}`));
      expect(isNotFound(noStream, 'stream')).toBe(true);
      expect(isNotFound(noStream, 'consumer')).toBe(false);
      const noConsumer = await failure(jsm.consumers.info(stream.stream, 'no-such-durable'));
      expect(isNotFound(noConsumer, 'consumer')).toBe(true);
      expect(isNotFound(noConsumer, 'stream')).toBe(false);
      // A consumer of a stream that is not there: the stream is what is missing.
      const neither = await failure(jsm.consumers.info(`NO_SUCH_${Date.now()}`, 'x'));
      expect(isNotFound(neither, 'stream')).toBe(true);
      // Failures that merely say so in words are not taken for it.
      expect(isNotFound(new Error('stream not found'), 'stream')).toBe(false);
      expect(isNotFound(undefined, 'stream')).toBe(false);
    } finally {
      await stream.cleanup();
    }
  });
});
