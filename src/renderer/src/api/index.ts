/**
 * The renderer's one way to reach the services: the Electron preload's `window.workbench`
 * when present, else a client of the browser host on the page's own origin.
 */
import type { WorkbenchClient } from '../../../shared/api';
import { useConnection } from '../state/connection';
import { createBrowserHostClient } from './browserHostClient';
import { socketUrl, takeToken } from './token';

declare global {
  interface Window {
    workbench?: WorkbenchClient;
  }
}

let client: WorkbenchClient | null = null;

export function getWorkbench(): WorkbenchClient {
  if (client) return client;
  if (window.workbench) {
    useConnection.getState().set('open', 0);
    client = window.workbench;
    return client;
  }
  const token = takeToken(window.location, window.history);
  client = createBrowserHostClient({
    url: socketUrl(window.location, token),
    onStatus: (status, failures) => useConnection.getState().set(status, failures),
  });
  return client;
}

/** A message for people from whatever a call rejected with. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
