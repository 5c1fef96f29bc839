import { describe, expect, it } from 'vitest';
import {
  DependencyUnavailableError,
  decodeEnvelope,
  type EventEnvelope,
  encodeEnvelope,
  HuleEduError,
  SpellcheckRequestedDataV1Schema,
  type SpellcheckResultDataV1,
  SpellcheckResultDataV1Schema,
} from '../../../../common-core/index.ts';
import {
  backoffDelay,
  type DeadLetter,
  envelopeDecoder,
  MemoryBus,
} from '../../../../messaging/index.ts';
import {
  BASIC_LEARNER_ERRORS,
  learnerDictionaryEngine,
} from '../../../../services/spellchecker/engine/learner-dictionary-engine.ts';
import {
  processMessage,
  type SpellcheckDeps,
} from '../../../../services/spellchecker/process-message.ts';
import { SpellcheckerSettingsSchema } from '../../../../services/spellchecker/settings.ts';
import { spellcheckRequest } from '../../../helpers/envelopes.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

const request = () =>
  decodeEnvelope(JSON.stringify(spellcheckRequest('essay-7')), SpellcheckRequestedDataV1Schema);
const fastRetry = { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 2 };

function fakes(overrides: Partial<SpellcheckDeps> = {}) {
  const published: { result: EventEnvelope<SpellcheckResultDataV1>; key: string }[] = [];
  const stored: string[] = [];
  const deps: SpellcheckDeps = {
    fetchText: async () => 'I recieve teh letter.',
    storeText: async (text) => {
      stored.push(text);
      return 'b'.repeat(32);
    },
    spellCheck: learnerDictionaryEngine(BASIC_LEARNER_ERRORS),
    publish: async (result, key) => {
      published.push({ result, key });
    },
    retry: fastRetry,
    ...overrides,
  };
  return { deps, published, stored };
}

describe('processMessage (spell-checker worker core)', () => {
  it('success: corrects, stores, publishes a result that validates, keyed by essay id', async () => {
    const req = request();
    const { deps, published, stored } = fakes();
    const outcome = await processMessage(req, deps);
    expect(outcome).toMatchObject({ status: 'spellchecked_success', correctionsMade: 2 });
    expect(stored).toEqual(['I receive the letter.']);
    expect(published).toHaveLength(1);
    const { result, key } = published[0] as {
      result: EventEnvelope<SpellcheckResultDataV1>;
      key: string;
    };
    expect(key).toBe('essay-7');
    expect(result.event_type).toBe('huleedu.essay.spellcheck.completed.v1');
    expect(result.correlation_id).toBe(req.correlation_id);
    expect(result.data.status).toBe('spellchecked_success');
    expect(result.data.corrections_made).toBe(2);
    expect(result.data.storage_metadata?.references).toEqual({
      original_essay: { storage_id: 'a'.repeat(32), path: '' },
      corrected_text: { storage_id: 'b'.repeat(32), path: '' },
    });
    // What goes on the wire is a valid v1 result.
    expect(() =>
      decodeEnvelope(encodeEnvelope(result), SpellcheckResultDataV1Schema),
    ).not.toThrow();
  });

  it('a redelivered request yields the same result event id', async () => {
    const req = request();
    const a = fakes();
    const b = fakes();
    await processMessage(req, a.deps);
    await processMessage(req, b.deps);
    expect(a.published[0]?.result.event_id).toBe(b.published[0]?.result.event_id);
  });

  it('fetch failure: a missing text gives a spellcheck_failed result with error_info', async () => {
    const { deps, published } = fakes({
      fetchText: async () => {
        throw new HuleEduError('HULEEDU_NOT_FOUND', 'text aaaa: not found');
      },
    });
    const outcome = await processMessage(request(), deps);
    expect(outcome.status).toBe('spellcheck_failed');
    const data = published[0]?.result.data;
    expect(data?.status).toBe('spellcheck_failed');
    expect(data?.system_metadata.processing_stage).toBe('failed');
    expect(data?.system_metadata.error_info).toEqual({
      code: 'HULEEDU_NOT_FOUND',
      message: 'text aaaa: not found',
    });
    expect(data?.corrections_made).toBeNull();
  });

  it('fetch failure that is transient is retried with backoff, then succeeds', async () => {
    let calls = 0;
    const { deps, published } = fakes({
      fetchText: async () => {
        if (++calls < 3) throw new DependencyUnavailableError('connection refused');
        return 'teh end';
      },
    });
    await processMessage(request(), deps);
    expect(calls).toBe(3);
    expect(published[0]?.result.data.status).toBe('spellchecked_success');
  });

  it('a content service down across many retries keeps the partition: a heartbeat after every wait', async () => {
    // Bug (chaos suite under stress-ng): content took ~12 s to come back after a SIGKILL, the
    // worker gave up after 5 retries (~6 s) and essays failed. Long waits need heartbeats too,
    // or the broker takes the partition away (session timeout 10 s).
    let calls = 0;
    let beats = 0;
    const { deps, published } = fakes({
      fetchText: async () => {
        if (++calls < 12) throw new DependencyUnavailableError('connection refused');
        return 'teh end';
      },
      retry: { maxRetries: 30, initialDelayMs: 1, maxDelayMs: 2 },
      heartbeat: async () => {
        beats++;
      },
    });
    await processMessage(request(), deps);
    expect(published[0]?.result.data.status).toBe('spellchecked_success');
    expect(beats).toBe(11);
  });

  it('the default patience outlasts a content restart of half a minute', async () => {
    const s = SpellcheckerSettingsSchema.parse({});
    const policy = {
      maxRetries: s.SPELLCHECKER_MAX_RETRIES,
      initialDelayMs: s.SPELLCHECKER_RETRY_INITIAL_MS,
      maxDelayMs: s.SPELLCHECKER_RETRY_MAX_MS,
    };
    // The shortest wait in all: every delay at the low end of its jitter.
    let shortest = 0;
    for (let a = 1; a <= policy.maxRetries; a++) shortest += backoffDelay(policy, a, () => 0);
    expect(shortest).toBeGreaterThan(30_000);
  });

  it('fetch failure that persists past the bound gives a failed result, not an endless wait', async () => {
    let calls = 0;
    const { deps, published } = fakes({
      fetchText: async () => {
        calls++;
        throw new DependencyUnavailableError('content service down');
      },
    });
    await processMessage(request(), deps);
    expect(calls).toBe(3);
    expect(published[0]?.result.data.system_metadata.error_info.code).toBe(
      'HULEEDU_RETRIES_EXHAUSTED',
    );
  });

  it('store failure gives a failed result and publishes no corrected reference', async () => {
    const { deps, published } = fakes({
      storeText: async () => {
        throw new DependencyUnavailableError('disk full');
      },
    });
    await processMessage(request(), deps);
    const data = published[0]?.result.data;
    expect(data?.status).toBe('spellcheck_failed');
    expect(data?.storage_metadata?.references.corrected_text).toBeUndefined();
  });

  it('spell-check failure (unsupported language) gives a failed result with its code', async () => {
    const raw = spellcheckRequest('essay-7');
    (raw.data as { language: string }).language = 'sv';
    const req = decodeEnvelope(JSON.stringify(raw), SpellcheckRequestedDataV1Schema);
    const { deps, published } = fakes();
    await processMessage(req, deps);
    expect(published[0]?.result.data.system_metadata.error_info.code).toBe(
      'HULEEDU_UNSUPPORTED_LANGUAGE',
    );
  });

  it('producer failure propagates so that the message is not committed', async () => {
    const { deps } = fakes({
      publish: async () => {
        throw new DependencyUnavailableError('broker down');
      },
    });
    await expect(processMessage(request(), deps)).rejects.toThrow('broker down');
  });
});

describe('worker consume path (in-memory bus)', () => {
  const TOPIC = 'huleedu.essay.spellcheck.requested.v1';

  it('invalid message goes to the DLT; producer failure is retried then dead-lettered', async () => {
    await using bus = new MemoryBus({ partitions: 1 });
    const pub = await bus.publisher();
    const bad = spellcheckRequest('essay-x');
    (bad.data as { text_storage_id: string }).text_storage_id = '';
    await pub.publish([
      { topic: TOPIC, key: 'essay-x', value: Buffer.from(JSON.stringify(bad)) },
      {
        topic: TOPIC,
        key: 'essay-y',
        value: Buffer.from(JSON.stringify(spellcheckRequest('essay-y'))),
      },
    ]);
    let publishAttempts = 0;
    const { deps } = fakes({
      publish: async () => {
        publishAttempts++;
        throw new DependencyUnavailableError('broker down');
      },
    });
    // Hoisted: an inline generic call inside the options literal would infer `unknown`.
    const decode = envelopeDecoder(SpellcheckRequestedDataV1Schema);
    await using _c = await bus.consume({
      groupId: 'spellchecker',
      topics: [TOPIC],
      decode,
      retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 2 },
      handle: async (req) => {
        await processMessage(req, deps);
      },
    });
    await waitFor('two dead letters', () => bus.messages(`${TOPIC}.DLT`).length === 2);
    const dlt = bus
      .messages(`${TOPIC}.DLT`)
      .map((m) => JSON.parse(Buffer.from(m.value).toString()) as DeadLetter);
    expect(dlt[0]?.error.code).toBe('HULEEDU_INVALID_PAYLOAD');
    expect(dlt[0]?.error.message).toContain('data.text_storage_id');
    expect(dlt[1]?.error.code).toBe('HULEEDU_RETRIES_EXHAUSTED');
    expect(publishAttempts).toBe(3);
  });
});
