export * from "./client";
export { MIGRATIONS_FOLDER, migrateAndSeed } from "./migrate";
export { rowsOf } from "./rows";
export * from "./schema";
export { type SeedOptions, seedSampleData } from "./seed";
export * from "./seed-data";
