import { describe, expect, it } from 'vitest';
import { TASK_ID_BYTES, createTaskId } from './id';

describe('createTaskId (SEC-03, TKX-11)', () => {
  it('carries at least 128 random bits as 24 base64url characters', () => {
    expect(TASK_ID_BYTES * 8).toBeGreaterThanOrEqual(128);
    for (let i = 0; i < 200; i++) expect(createTaskId()).toMatch(/^[A-Za-z0-9_-]{24}$/);
  });

  it('is unique over many draws', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20_000; i++) ids.add(createTaskId());
    expect(ids.size).toBe(20_000);
  });

  it('uses the whole alphabet in every position (no fixed or biased characters)', () => {
    const seen = Array.from({ length: 24 }, () => new Set<string>());
    for (let i = 0; i < 5_000; i++) {
      const id = createTaskId();
      for (let p = 0; p < id.length; p++) seen[p]!.add(id[p]!);
    }
    for (const s of seen) expect(s.size).toBe(64);
  });
});
