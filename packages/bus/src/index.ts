export * from "./backends";
export * from "./memory";
export * from "./namespaced";
export * from "./redis-bus";
export * from "./redis-cache";
export * from "./types";
export { closeRedis, connectRedis } from "./redis-connection";
