import { type JetStreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { isNotFound } from './not-found.ts';

export interface EnsureStreamOptions {
  name: string;
  subjects: string[];
  /** JetStream deduplicates equal `Nats-Msg-Id`s within this window. */
  duplicateWindowMs: number;
  maxAgeMs?: number;
}

/** Create the stream, or update its subjects and windows when it exists (idempotent). */
export async function ensureStream(
  jsm: JetStreamManager,
  options: EnsureStreamOptions,
): Promise<'created' | 'updated'> {
  const config = {
    subjects: options.subjects,
    duplicate_window: nanos(options.duplicateWindowMs),
    max_age: nanos(options.maxAgeMs ?? 7 * 24 * 3600 * 1000),
  };
  try {
    await jsm.streams.info(options.name);
    await jsm.streams.update(options.name, config);
    return 'updated';
  } catch (error) {
    if (!isNotFound(error, 'stream')) throw error;
    await jsm.streams.add({
      name: options.name,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      ...config,
    });
    return 'created';
  }
}
