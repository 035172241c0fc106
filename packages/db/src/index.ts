export * from "./client";
export { MIGRATIONS_FOLDER, migrateAndSeed } from "./migrate";
export { rowsOf } from "./rows";
export * from "./schema";
export * from "./schema-records";
export { type SeedOptions, seedSampleData } from "./seed";
export * from "./seed-data";
