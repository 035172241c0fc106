export * from "./client";
export { MIGRATIONS_FOLDER, migrateAndSeed } from "./migrate";
export { rowsOf, transactionInOneTrip } from "./one-trip";
export * from "./schema";
export { type SeedOptions, seedSampleData } from "./seed";
export * from "./seed-data";
