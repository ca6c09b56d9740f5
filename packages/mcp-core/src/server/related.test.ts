import { describe, expect, it } from 'vitest';
import { progressText } from './related';

describe('progressText (written out, not stringified)', () => {
  const cases: [string | number, number, number | undefined, string | undefined][] = [
    ['p1', 1, 10, undefined],
    [7, 0.5, undefined, undefined],
    ['tok"en\\\n', 3, 3, 'half "done" é \u2028 \u0000'],
    ['t', 1e21, Number.NaN, 'x'],
    ['t', 2, Number.POSITIVE_INFINITY, undefined],
  ];
  it.each(cases)('token %j progress %j total %j message %j: the text JSON.stringify gives', (token, progress, total, message) => {
    const params: Record<string, unknown> = { progressToken: token, progress };
    if (total !== undefined) params.total = total;
    if (message !== undefined) params.message = message;
    expect(progressText(token, -1, progress, total, message)).toBe(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params }));
  });

  it('nothing for a missing token or a progress that does not increase', () => {
    expect(progressText(undefined, 0, 1)).toBeUndefined();
    expect(progressText({}, 0, 1)).toBeUndefined();
    expect(progressText('t', 5, 5)).toBeUndefined();
  });
});
