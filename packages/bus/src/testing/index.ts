export * from "./redis-server";
