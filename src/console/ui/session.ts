import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api, StaffRole } from './api';
import type { Program } from './types';

/** Who is signed in, with the API client acting for them and the program in force. */
export interface Session {
  role: StaffRole;
  storeId: string | null;
  api: Api;
  program: Program;
  /** Reads the program in force again (after a publish), for every page. */
  reloadProgram(): Promise<void>;
  signOut(reason?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

// sessionStorage: the key lives as long as the tab, is not shared with other tabs and is gone
// when the browser closes — a shared counter computer does not keep it.
const STORAGE_KEY = 'chezhu.console.key';

export const savedKey = {
  read(): string | null {
    try {
      return sessionStorage.getItem(STORAGE_KEY);
    } catch {
      return null;
    }
  },
  write(key: string): void {
    sessionStorage.setItem(STORAGE_KEY, key);
  },
  clear(): void {
    sessionStorage.removeItem(STORAGE_KEY);
  },
};
