import { z } from 'zod';
import {
  decodeEnvelope,
  type EventEnvelope,
  type IncomingMessage,
} from '../../common-core/index.ts';

/** A decoder for `ConsumeOptions.decode`: the message value as an envelope whose data matches `data`. */
export function envelopeDecoder<D extends z.ZodType>(
  data: D,
): (m: IncomingMessage) => EventEnvelope<z.output<D>> {
  return (m) => decodeEnvelope(m.value, data);
}

/** A decoder that checks the envelope (JSON, schema_version, fields) and leaves `data` unvalidated. */
export const anyEnvelopeDecoder: (m: IncomingMessage) => EventEnvelope<unknown> = envelopeDecoder(
  z.unknown(),
);
