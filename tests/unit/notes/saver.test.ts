import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Saver, type SaveState } from '../../../src/renderer/src/notes/saver';

/** A save call the test resolves or rejects by hand, to see what the saver does meanwhile. */
function controlledSave(): {
  save: (v: string) => Promise<string>;
  calls: string[];
  resolve: (i: number) => void;
  reject: (i: number, err: Error) => void;
} {
  const calls: string[] = [];
  const settle: Array<{ resolve: (v: string) => void; reject: (e: Error) => void }> = [];
  return {
    calls,
    save: (v) =>
      new Promise<string>((resolve, reject) => {
        calls.push(v);
        settle.push({ resolve, reject });
      }),
    resolve: (i) => settle[i]!.resolve(`ok:${calls[i]}`),
    reject: (i, err) => settle[i]!.reject(err),
  };
}

function track(): {
  states: SaveState[];
  results: unknown[];
  onState: (s: SaveState, d: { result?: unknown }) => void;
} {
  const states: SaveState[] = [];
  const results: unknown[] = [];
  return {
    states,
    results,
    onState: (s, d) => {
      states.push(s);
      if (s === 'saved') results.push(d.result);
    },
  };
}

describe('Saver (save-as-typed)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('debounces: a burst of keystrokes is one save of the last text, after the quiet time', async () => {
    const c = controlledSave();
    const t = track();
    const saver = new Saver({ delayMs: 400, save: c.save, onState: t.onState });
    for (const text of ['O', 'OO', 'OOM', 'OOM k', 'OOM kill']) {
      saver.edit(text);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(c.calls).toEqual([]);
    expect(saver.current).toBe('pending');
    await vi.advanceTimersByTimeAsync(300);
    expect(c.calls).toEqual(['OOM kill']);
    expect(saver.current).toBe('saving');
    c.resolve(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(saver.current).toBe('saved');
    expect(t.results).toEqual(['ok:OOM kill']);
    expect(saver.dirty).toBe(false);
  });

  it('keeps one save in flight; edits typed meanwhile go in the next save, and saved waits for it', async () => {
    const c = controlledSave();
    const t = track();
    const saver = new Saver({ delayMs: 400, save: c.save, onState: t.onState });
    saver.edit('a');
    await vi.advanceTimersByTimeAsync(400);
    expect(c.calls).toEqual(['a']);
    saver.edit('ab');
    await vi.advanceTimersByTimeAsync(400);
    // The first call has not resolved: no second call yet.
    expect(c.calls).toEqual(['a']);
    c.resolve(0);
    await vi.advanceTimersByTimeAsync(0);
    // 'a' resolved, but 'ab' was waiting: never reported as saved in between.
    expect(t.states).not.toContain('saved');
    expect(c.calls).toEqual(['a', 'ab']);
    c.resolve(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(saver.current).toBe('saved');
    expect(t.results).toEqual(['ok:ab']);
  });

  it('flush sends the pending edit at once and resolves after it is saved', async () => {
    const c = controlledSave();
    const t = track();
    const saver = new Saver({ delayMs: 400, save: c.save, onState: t.onState });
    saver.edit('typed just before close');
    const flushed = saver.flush();
    let done = false;
    void flushed.then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(c.calls).toEqual(['typed just before close']);
    expect(done).toBe(false);
    c.resolve(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
    expect(saver.current).toBe('saved');
    // The debounce timer was cleared: nothing is sent a second time.
    await vi.advanceTimersByTimeAsync(1000);
    expect(c.calls).toHaveLength(1);
  });

  it('flush during a save waits for it and then sends the newer edit', async () => {
    const c = controlledSave();
    const saver = new Saver({ delayMs: 400, save: c.save, onState: () => undefined });
    saver.edit('one');
    await vi.advanceTimersByTimeAsync(400);
    saver.edit('one two');
    const flushed = saver.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(c.calls).toEqual(['one']);
    c.resolve(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(c.calls).toEqual(['one', 'one two']);
    c.resolve(1);
    await flushed;
    expect(saver.current).toBe('saved');
  });

  it('a failed save is reported, kept, and retried by the next flush', async () => {
    const c = controlledSave();
    const t = track();
    const saver = new Saver({ delayMs: 400, save: c.save, onState: t.onState });
    saver.edit('lost?');
    const first = saver.flush();
    await vi.advanceTimersByTimeAsync(0);
    c.reject(0, new Error('connection lost'));
    await first;
    expect(saver.current).toBe('error');
    expect(saver.dirty).toBe(true);
    const second = saver.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(c.calls).toEqual(['lost?', 'lost?']);
    c.resolve(1);
    await second;
    expect(saver.current).toBe('saved');
    expect(saver.dirty).toBe(false);
  });

  it('cancel drops the pending edit (a deleted note is not re-created)', async () => {
    const c = controlledSave();
    const saver = new Saver({ delayMs: 400, save: c.save, onState: () => undefined });
    saver.edit('gone');
    saver.cancel();
    await vi.advanceTimersByTimeAsync(1000);
    await saver.flush();
    expect(c.calls).toEqual([]);
  });
});
