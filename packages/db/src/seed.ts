import bcrypt from "bcryptjs";
import { sql } from "drizzle-orm";
import type { Database } from "./client";
import { branches, seats, users } from "./schema";
import {
  ADMIN_STUDENT_ID,
  SAMPLE_BRANCHES,
  SAMPLE_PASSWORD,
  SAMPLE_SEATS,
  SAMPLE_STUDENTS,
} from "./seed-data";

export interface SeedOptions {
  adminPassword: string;
  bcryptCost: number;
}

/** Seeds the sample data into an empty database (no users). Returns whether it seeded. */
export async function seedSampleData(db: Database, options: SeedOptions): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  if ((row?.n ?? 0) > 0) return false;

  const [studentHash, adminHash] = await Promise.all([
    bcrypt.hash(SAMPLE_PASSWORD, options.bcryptCost),
    bcrypt.hash(options.adminPassword, options.bcryptCost),
  ]);

  await db.transaction(async (tx) => {
    await tx.insert(branches).values([...SAMPLE_BRANCHES]);
    await tx.insert(seats).values([...SAMPLE_SEATS]);
    await tx.insert(users).values([
      ...SAMPLE_STUDENTS.map((s) => ({ ...s, passwordHash: studentHash, role: "student" as const })),
      {
        id: SAMPLE_STUDENTS.length + 1,
        studentId: ADMIN_STUDENT_ID,
        name: "Library Admin",
        passwordHash: adminHash,
        role: "admin" as const,
      },
    ]);
    // Explicit ids were inserted: move the sequences past them.
    for (const table of ["branches", "seats", "users"]) {
      await tx.execute(
        sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.identifier(table)}))`,
      );
    }
  });
  return true;
}
