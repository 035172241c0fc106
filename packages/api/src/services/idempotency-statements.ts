import { type Database, rowsOf } from "@dlsms/db";
import { sql } from "drizzle-orm";
import { TurnStatements } from "./turn-statements";

/** One student's key, as the statements below claim it and store its answer. */
export interface KeyOf {
  userId: number;
  key: string;
}

/*
 * Why: claiming a key and storing its answer were two statements (and two commits) per keyed
 * booking, more than the booking itself costs once bookings share statements (booking-batches.ts).
 * Keys that arrive in the same turn are claimed by one statement, and answers stored in one.
 */

export interface Claim extends KeyOf {
  request: string;
}

/**
 * Claims the keys: a new row each, or one past its `keepHours` taken over. True for the keys this
 * statement claimed; false for one held by an earlier request (its answer is the repeat's), also
 * when the same key comes twice in one statement (the second waits for the first's answer).
 */
async function claimKeys(db: Database, claims: Claim[], keepHours: number): Promise<boolean[]> {
  const seen = new Set<string>();
  const unique = claims.filter((c) => {
    const id = JSON.stringify([c.userId, c.key]);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const input = JSON.stringify(unique.map((c) => ({ user_id: c.userId, key: c.key, request: c.request })));
  const rows = rowsOf<{ user_id: number; key: string }>(
    await db.execute(sql`
      insert into idempotency_keys (user_id, key, request, answer, created_at)
      select user_id, key, request, '{}'::jsonb, now()
      from jsonb_to_recordset(${input}::jsonb) as i(user_id int, key text, request text)
      on conflict (user_id, key) do update
        set request = excluded.request, answer = '{}'::jsonb, created_at = now()
        where idempotency_keys.created_at < now() - make_interval(hours => ${keepHours}::int)
      returning user_id, key`),
  );
  const claimed = new Set(rows.map((r) => JSON.stringify([r.user_id, r.key])));
  const first = new Set(unique);
  return claims.map((c) => first.has(c) && claimed.has(JSON.stringify([c.userId, c.key])));
}

export interface Answer extends KeyOf {
  answer: Record<string, unknown>;
}

async function storeAnswers(db: Database, answers: Answer[]): Promise<undefined[]> {
  const input = JSON.stringify(answers.map((a) => ({ user_id: a.userId, key: a.key, answer: a.answer })));
  await db.execute(sql`
    update idempotency_keys k set answer = a.answer
    from jsonb_to_recordset(${input}::jsonb) as a(user_id int, key text, answer jsonb)
    where k.user_id = a.user_id and k.key = a.key`);
  return answers.map(() => undefined);
}

interface KeyStatements {
  claim: TurnStatements<Claim, boolean>;
  answer: TurnStatements<Answer, undefined>;
}

const statementsByDb = new WeakMap<Database, KeyStatements>();

/** The key statements shared by every keyed booking on `db` (one set per process and database). */
export function keyStatements(db: Database, keepHours: number): KeyStatements {
  let statements = statementsByDb.get(db);
  if (!statements) {
    statements = {
      claim: new TurnStatements((claims) => claimKeys(db, claims, keepHours)),
      answer: new TurnStatements((answers) => storeAnswers(db, answers)),
    };
    statementsByDb.set(db, statements);
  }
  return statements;
}
