import { describe, expect, it } from "vitest";
import { actionWords } from "../src/features/history/ReservationHistory";
import { describeNotification } from "../src/features/notifications/describe";
import { breakChoices } from "../src/features/reservations/AwayControls";
import { formatTime } from "../src/lib/time";

describe("away breaks in the SPA's words", () => {
  it("the reminder names when the break ends; the ending says why the reservation ended", () => {
    const awayUntil = "2026-12-06T10:25:00.000Z";
    expect(describeNotification({ type: "AWAY_REMINDER", payload: { awayUntil } })).toBe(
      `Your break ends at ${formatTime(awayUntil)}. Come back or scan your seat to keep it.`,
    );
    expect(describeNotification({ type: "AWAY_ENDED", payload: {} })).toMatch(
      /^Your break ran out before you came back/,
    );
  });

  it.each([
    ["stepped_away", "Stepped away (break)"],
    ["back", "Back from the break"],
    ["away_ended", "Ended: the break ran out"],
  ])("the action %s reads %s", (action, words) => {
    expect(actionWords(action)).toBe(words);
  });

  it("offers break lengths up to AWAY_MAX_MINUTES, the maximum included", () => {
    expect(breakChoices(30)).toEqual([5, 10, 15, 20, 30]);
    expect(breakChoices(12)).toEqual([5, 10, 12]);
    expect(breakChoices(3)).toEqual([3]);
  });
});
