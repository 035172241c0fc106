import { describe, expect, it } from "vitest";
import { describeNotification } from "../src/features/notifications/describe";

describe("no-show strike notifications", () => {
  it("a no-show says which strike it is, when the server counted it", () => {
    expect(describeNotification({ type: "NO_SHOW", payload: { strike: 2, strikeLimit: 3 } })).toBe(
      "You did not check in, so the seat was released. That is no-show strike 2 of 3.",
    );
    expect(describeNotification({ type: "NO_SHOW", payload: {} })).toBe(
      "You did not check in, so the seat was released.",
    );
  });

  it("a suspension says until when, in library time", () => {
    // The day and time in the library's zone; their order follows the runtime's locale.
    expect(
      describeNotification({ type: "SUSPENDED", payload: { suspendedUntil: "2026-12-14T12:00:00.000Z" } }),
    ).toMatch(
      /^Too many missed check-ins: you cannot book until Mon.* 14.*12:00.*\(UTC\)\. Library staff can lift this\.$/,
    );
  });
});
