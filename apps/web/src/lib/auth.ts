import { useSyncExternalStore } from "react";

/**
 * The session lives in localStorage so a reload keeps the student logged in. A tiny external
 * store (not React state) because the tRPC links and the global error handler read it too.
 */
const TOKEN_KEY = "dlsms.token";
const USER_KEY = "dlsms.user";

export interface SessionUser {
  id: number;
  studentId: string;
  name: string;
  role: string;
}

export interface Session {
  token: string;
  user: SessionUser;
}

interface AuthState {
  session: Session | null;
  /** Why the student was sent back to the login page (e.g. an expired token). */
  notice: string | null;
}

function readStored(): Session | null {
  try {
    const token = localStorage.getItem(TOKEN_KEY);
    const user = localStorage.getItem(USER_KEY);
    if (!token || !user) return null;
    return { token, user: JSON.parse(user) as SessionUser };
  } catch {
    return null;
  }
}

let state: AuthState = { session: readStored(), notice: null };
const listeners = new Set<() => void>();

function set(next: AuthState) {
  state = next;
  for (const l of listeners) l();
}

export const auth = {
  get: () => state,
  token: () => state.session?.token ?? null,
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  login(session: Session) {
    localStorage.setItem(TOKEN_KEY, session.token);
    localStorage.setItem(USER_KEY, JSON.stringify(session.user));
    set({ session, notice: null });
  },
  logout(notice: string | null = null) {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(USER_KEY);
    set({ session: null, notice });
  },
  clearNotice() {
    if (state.notice) set({ ...state, notice: null });
  },
};

// Another tab logging in or out should not leave this one acting on a stale token.
if (typeof window !== "undefined") {
  window.addEventListener("storage", (e) => {
    if (e.key === TOKEN_KEY) set({ session: readStored(), notice: null });
  });
}

export function useAuth(): AuthState {
  return useSyncExternalStore(auth.subscribe, auth.get);
}
