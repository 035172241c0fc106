import { TRPCClientError } from "@trpc/client";

export type ErrorCode = "UNAUTHORIZED" | "CONFLICT" | "BAD_REQUEST" | "NOT_FOUND" | "FORBIDDEN" | string;

export function errorCode(error: unknown): ErrorCode | undefined {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string } | undefined;
    return data?.code;
  }
  return undefined;
}

/** Server messages are written for students; a network failure gets a plain fallback. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    if (!error.data && /fetch|network/i.test(error.message)) {
      return "Cannot reach the library server. Check your connection and try again.";
    }
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return "Something went wrong. Please try again.";
}
