/**
 * Save-as-typed: edits are debounced, at most one save is in flight, and `saved` is reported
 * only once the call resolved with no newer edit waiting. A flush (blur, close, switch, unload)
 * sends what is pending at once, so no keystroke is lost. Pure (no DOM, no React): the notes
 * store and the report editor both drive one, and the unit tests drive it with fake timers.
 */
export type SaveState = 'idle' | 'pending' | 'saving' | 'saved' | 'error';

export interface SaverOptions<T, R> {
  /** Quiet time after the last edit before it is sent. */
  delayMs: number;
  save: (value: T) => Promise<R>;
  /** Called on every state change; `result` with `saved`, `error` with `error`. */
  onState: (state: SaveState, detail: { result?: R; error?: unknown }) => void;
}

export class Saver<T, R> {
  private state: SaveState = 'idle';
  private pending: { value: T } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly opts: SaverOptions<T, R>) {}

  get current(): SaveState {
    return this.state;
  }

  /** True while an edit has not been confirmed saved (pending, in flight, or failed). */
  get dirty(): boolean {
    return this.pending !== null || this.running !== null || this.state === 'error';
  }

  /** Records an edit; it is sent after `delayMs` without another edit. */
  edit(value: T): void {
    this.pending = { value };
    this.set(this.running ? 'saving' : 'pending');
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain();
    }, this.opts.delayMs);
  }

  /** Sends the pending edit now and resolves once everything typed so far is saved (or failed). */
  async flush(): Promise<void> {
    this.clearTimer();
    await this.drain();
  }

  /** Drops a pending edit without saving it (the note was deleted). */
  cancel(): void {
    this.clearTimer();
    this.pending = null;
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private drain(): Promise<void> {
    // One save at a time: a second drain waits for the running one, which picks up newer edits.
    this.running ??= this.loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async loop(): Promise<void> {
    while (this.pending) {
      const { value } = this.pending;
      this.pending = null;
      this.set('saving');
      try {
        const result = await this.opts.save(value);
        if (this.pending) continue;
        this.state = 'saved';
        this.opts.onState('saved', { result });
      } catch (error) {
        // Keep the failed value unless something newer replaced it, so a later flush retries it.
        this.pending ??= { value };
        this.clearTimer();
        this.state = 'error';
        this.opts.onState('error', { error });
        return;
      }
    }
  }

  private set(state: SaveState): void {
    if (state === this.state) return;
    this.state = state;
    this.opts.onState(state, {});
  }
}
