export * from "./admin";
export * from "./auth";
export * from "./common";
export * from "./hours";
export * from "./notifications";
export * from "./reservations";
export * from "./seats";
export * from "./waitlist";
