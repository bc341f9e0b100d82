import { create } from 'zustand';

/** State of the link to the host: always `open` under Electron; the browser host can drop. */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting';

interface ConnectionState {
  status: ConnectionStatus;
  /** Consecutive failed attempts since the last open socket. */
  failures: number;
  set: (status: ConnectionStatus, failures: number) => void;
}

export const useConnection = create<ConnectionState>((set) => ({
  status: 'connecting',
  failures: 0,
  set: (status, failures) => set({ status, failures }),
}));
