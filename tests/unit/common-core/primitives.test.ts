import { describe, expect, it } from 'vitest';
import {
  derivedUuid,
  EntityIdSchema,
  IsoDateTime,
  nowIso,
} from '../../../common-core/contracts/primitives.ts';

describe('derivedUuid', () => {
  it('is a version-5-layout UUID with the RFC 4122 variant, the same for the same parts', () => {
    const id = derivedUuid('essay', 'e1', 'cause-1', '0');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedUuid('essay', 'e1', 'cause-1', '0')).toBe(id);
  });

  it('tells parts apart however they are split, and differs in every part', () => {
    expect(derivedUuid('ab', 'c')).not.toBe(derivedUuid('a', 'bc'));
    const base = derivedUuid('essay', 'e1', 'cause-1', '0');
    for (const other of [
      derivedUuid('batch', 'e1', 'cause-1', '0'),
      derivedUuid('essay', 'e2', 'cause-1', '0'),
      derivedUuid('essay', 'e1', 'cause-2', '0'),
      derivedUuid('essay', 'e1', 'cause-1', '1'),
    ])
      expect(other).not.toBe(base);
  });

  it('spreads over the variant nibble (all four of 8, 9, a, b occur)', () => {
    const variants = new Set(
      Array.from({ length: 64 }, (_, i) => derivedUuid(String(i)).charAt(19)),
    );
    expect([...variants].sort()).toEqual(['8', '9', 'a', 'b']);
  });
});

describe('EntityIdSchema (the id policy)', () => {
  it('takes 1-128 characters of A-Z a-z 0-9 _ - :', () => {
    for (const ok of ['a', 'A-z_0:9', 'e'.repeat(128), '6a1f0c2e-4b7d-4c1e-9f3a-2d5e8b7c9a10-0001'])
      expect(EntityIdSchema.safeParse(ok).success, ok).toBe(true);
  });

  it('refuses the empty id, 129 characters, and anything else (dots, spaces, NUL, wildcards)', () => {
    for (const bad of ['', 'e'.repeat(129), 'a.b', 'a b', 'a\u0000b', 'a*', 'a>', 'é'])
      expect(EntityIdSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    expect(EntityIdSchema.safeParse('a.b').error?.issues[0]?.message).toBe(
      'must be 1-128 characters of A-Z a-z 0-9 _ - :',
    );
  });
});

describe('timestamps', () => {
  it('nowIso is an ISO-8601 UTC time that IsoDateTime accepts; a time without offset is refused', () => {
    const before = Date.now();
    const now = nowIso();
    expect(now.endsWith('Z')).toBe(true);
    expect(Date.parse(now)).toBeGreaterThanOrEqual(before - 1);
    expect(IsoDateTime.safeParse(now).success).toBe(true);
    expect(IsoDateTime.safeParse('2026-12-01T10:00:00+02:00').success).toBe(true);
    expect(IsoDateTime.safeParse('2026-12-01T10:00:00').success).toBe(false);
  });
});
