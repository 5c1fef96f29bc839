import { describe, expect, it } from 'vitest';
import { kafkaClusterId } from '../../../scripts/kafka-broker.ts';

describe('kafkaClusterId', () => {
  it("never starts with '-', which the storage tool would read as an option (bug: CI failed to format Kafka's storage)", () => {
    // 0xf8: the first base64url character is '-'.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x41)];
    const id = kafkaClusterId(() => draws.shift() ?? Buffer.alloc(16, 0x42));
    expect(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-')).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 0x41).toString('base64url'));
    expect(kafkaClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
