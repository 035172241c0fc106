import bcrypt from "bcryptjs";

/**
 * Password hashing. bcryptjs's async API yields between rounds so one hash does not stall
 * the event loop for its whole ~100 ms; moving it to worker threads is the performance issue's.
 */
export async function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

/** A hash of a random string: unknown students cost the same time as wrong passwords. */
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(password: string, hash: string | undefined, cost: number) {
  if (hash === undefined) {
    dummyHash ??= bcrypt.hash(`dummy-${Math.random()}`, cost);
    await bcrypt.compare(password, await dummyHash);
    return false;
  }
  return bcrypt.compare(password, hash);
}
