import { describe, expect, it } from 'vitest';
import { DEFAULT_NEGOTIATED_VERSION, LATEST_LEGACY_VERSION, LEGACY_VERSIONS, atLeast, isLegacyVersion, negotiateVersion } from './versions';

describe('legacy version list', () => {
  it('lists the handshake revisions newest first, 2025-11-25 being the latest', () => {
    expect([...LEGACY_VERSIONS]).toEqual(['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05']);
    expect(LATEST_LEGACY_VERSION).toBe('2025-11-25');
    expect(LEGACY_VERSIONS[0]).toBe(LATEST_LEGACY_VERSION);
  });

  it('never includes the handshake-less 2026-07-28 revision (TRAP-18)', () => {
    expect(LEGACY_VERSIONS as readonly string[]).not.toContain('2026-07-28');
    expect(isLegacyVersion('2026-07-28')).toBe(false);
  });

  it('defaults to 2025-03-26 when no MCP-Protocol-Version header is present (PVH-02, TRAP-07)', () => {
    expect(DEFAULT_NEGOTIATED_VERSION).toBe('2025-03-26');
  });
});

describe('isLegacyVersion', () => {
  it('accepts every served revision', () => {
    for (const v of LEGACY_VERSIONS) expect(isLegacyVersion(v)).toBe(true);
  });

  it('refuses unknown strings, near misses and prototype keys', () => {
    for (const v of ['', '2025-11-26', '2025-11-25 ', '2024-10-07', 'latest', 'toString', '__proto__']) expect(isLegacyVersion(v)).toBe(false);
  });
});

describe('negotiateVersion (LC-03, TRAP-18)', () => {
  it('echoes a requested version it serves', () => {
    for (const v of LEGACY_VERSIONS) expect(negotiateVersion(v)).toBe(v);
  });

  it('answers an unknown version with the latest legacy one, 2025-11-25', () => {
    for (const v of ['1999-01-01', '2030-01-01', 'garbage', '', '2025-11-26']) expect(negotiateVersion(v)).toBe('2025-11-25');
  });

  it('never answers 2026-07-28, even when asked for it', () => {
    expect(negotiateVersion('2026-07-28')).toBe('2025-11-25');
  });
});

describe('atLeast', () => {
  it('compares revision dates', () => {
    expect(atLeast('2025-11-25', '2025-11-25')).toBe(true);
    expect(atLeast('2025-11-25', '2025-06-18')).toBe(true);
    expect(atLeast('2025-06-18', '2025-11-25')).toBe(false);
    expect(atLeast('2024-11-05', '2025-03-26')).toBe(false);
    expect(atLeast('2026-07-28', '2025-11-25')).toBe(true);
  });
});
