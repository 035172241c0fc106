import { cleanup, configure } from "@testing-library/react";
import { afterEach, inject, vi } from "vitest";
import { auth } from "../../src/lib/auth";

// The SPA calls "/trpc" on its own origin (HTTP and WebSocket alike): make the page's origin the
// test server's, so the real links in src/lib/trpc.ts reach it unchanged.
(window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${inject("serverUrl")}/`);

// Every wait here is for a real round trip to a server on a shared, sometimes busy machine.
configure({ asyncUtilTimeout: 10_000 });

afterEach(() => {
  cleanup();
  auth.logout();
  localStorage.clear();
  vi.useRealTimers();
});
