export * from "./backends";
export * from "./memory";
export * from "./namespaced";
export * from "./redis-bus";
export * from "./redis-cache";
export { closeRedis, connectRedis } from "./redis-connection";
export * from "./types";
