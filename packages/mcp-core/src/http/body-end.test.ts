import { describe, expect, it, vi } from 'vitest';
import { throughBody } from './body-end';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const source = (chunks: string[]) => {
  const cancel = vi.fn();
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        pulls++;
        const next = chunks.shift();
        if (next === undefined) c.close();
        else c.enqueue(bytes(next));
      },
      cancel,
    },
    { highWaterMark: 0 },
  );
  return { stream, cancel, pulls: () => pulls };
};

describe('throughBody', () => {
  it('passes the chunks through, the first one before them, and calls onEnd once at the end', async () => {
    const onEnd = vi.fn();
    const { stream } = source(['a', 'b']);
    const view = throughBody(stream, onEnd, bytes(':\n\n'));
    expect(await new Response(view).text()).toBe(':\n\nab');
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it('reads the source only as the consumer pulls (backpressure passes through)', async () => {
    const { stream, pulls } = source(['a', 'b', 'c']);
    const reader = throughBody(stream, () => {}).getReader();
    await new Promise((r) => setTimeout(r, 5));
    expect(pulls()).toBe(0);
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('a');
    expect(pulls()).toBe(1);
  });

  it('a cancelled view cancels the source with the reason and does not call onEnd', async () => {
    const onEnd = vi.fn();
    const { stream, cancel } = source(['a', 'b']);
    const reader = throughBody(stream, onEnd).getReader();
    await reader.read();
    await reader.cancel('client disconnected');
    expect(cancel).toHaveBeenCalledWith('client disconnected');
    expect(onEnd).not.toHaveBeenCalled();
  });

  it('a source that errors errors the view, without onEnd', async () => {
    const onEnd = vi.fn();
    const failing = new ReadableStream<Uint8Array>({
      pull(c) {
        c.error(new Error('overflow'));
      },
    });
    await expect(new Response(throughBody(failing, onEnd)).text()).rejects.toThrow('overflow');
    expect(onEnd).not.toHaveBeenCalled();
  });
});
