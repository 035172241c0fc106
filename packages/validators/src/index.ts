export * from "./admin";
export * from "./auth";
export * from "./common";
export * from "./notifications";
export * from "./reports";
export * from "./reservations";
export * from "./seats";
export * from "./waitlist";
