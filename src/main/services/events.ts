import type { ApiEvent, WorkbenchEvents } from '../../shared/api';

type Listener<E extends ApiEvent> = (payload: WorkbenchEvents[E]) => void;

/** A tiny typed emitter for the contract's events (no Node EventEmitter: nothing here may throw on 'error'). */
export class WorkbenchEventBus {
  private readonly listeners = new Map<ApiEvent, Set<Listener<ApiEvent>>>();

  on<E extends ApiEvent>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<ApiEvent>);
    return () => this.off(event, listener);
  }

  off<E extends ApiEvent>(event: E, listener: Listener<E>): void {
    this.listeners.get(event)?.delete(listener as Listener<ApiEvent>);
  }

  emit<E extends ApiEvent>(event: E, payload: WorkbenchEvents[E]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch (err) {
        console.error(`[events] ${event} listener failed:`, err);
      }
    }
  }
}
