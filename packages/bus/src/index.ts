export * from "./memory";
export * from "./types";
