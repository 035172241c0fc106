import { describe, expect, it } from "vitest";
import { actionWords } from "../src/features/history/ReservationHistory";
import { describeNotification } from "../src/features/notifications/describe";

describe("staff desk and history wording", () => {
  it("a booking staff made for the student says so, with the seat", () => {
    expect(describeNotification({ type: "RESERVATION_BOOKED", payload: { seatCode: "ML-01" } })).toBe(
      "Library staff booked seat ML-01 for you.",
    );
    expect(describeNotification({ type: "RESERVATION_BOOKED", payload: {} })).toBe(
      "Library staff booked a seat for you.",
    );
  });

  it.each([
    ["created", "Booked"],
    ["booked_for", "Booked by library staff"],
    ["staff_cancelled", "Cancelled by library staff"],
    ["no_show", "Marked as a no-show"],
    ["offer_expired", "Offer expired"],
    ["seat_updated", "seat updated"],
  ])("the action %s reads %s", (action, words) => {
    expect(actionWords(action)).toBe(words);
  });
});
