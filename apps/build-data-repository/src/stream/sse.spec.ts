import { sseComment, sseEvent, sseRetry } from './sse';

describe('SSE framing', () => {
  it('frames an event with its id and one JSON data line', () => {
    expect(sseEvent(42, { type: 'x', text: 'two\nlines' })).toBe('id: 42\ndata: {"type":"x","text":"two\\nlines"}\n\n');
  });

  it('frames comments and the retry hint', () => {
    expect(sseComment('heartbeat')).toBe(': heartbeat\n\n');
    expect(sseComment('a\nb')).toBe(': a b\n\n');
    expect(sseRetry(3000)).toBe('retry: 3000\n\n');
  });
});
