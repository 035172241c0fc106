import { defineConfig } from "drizzle-kit";

// Migrations live at the repo root (drizzle/) so operators find them; the EXCLUDE
// constraints are a hand-written custom migration (drizzle-kit cannot describe them).
export default defineConfig({
  dialect: "postgresql",
  schema: ["./src/schema.ts", "./src/schema-records.ts"],
  out: "../../drizzle",
});
