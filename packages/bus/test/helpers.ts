import { randomUUID } from "node:crypto";

/** A prefix unique to this test run, so parallel runs never share keys or channels. */
export function uniquePrefix(name: string): string {
  return `test:${name}:${randomUUID().slice(0, 8)}:`;
}

/** Polls `check` until it returns true (short interval; no fixed sleeps). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Collects messages delivered to a handler. */
export function collector(): { messages: unknown[]; handler: (m: unknown) => void } {
  const messages: unknown[] = [];
  return { messages, handler: (m) => messages.push(m) };
}

export function spyLogger(): {
  warns: string[];
  infos: string[];
  warn(o: object, m?: string): void;
  info(o: object, m?: string): void;
} {
  const warns: string[] = [];
  const infos: string[] = [];
  return {
    warns,
    infos,
    warn: (_o, m) => warns.push(m ?? ""),
    info: (_o, m) => infos.push(m ?? ""),
  };
}
