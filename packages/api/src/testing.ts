import { createMemoryBus, createMemoryCache } from "@dlsms/bus";
import { createTestDatabase, type TestDatabase } from "@dlsms/db/testing";
import { signToken } from "./auth/jwt";
import { createLoginLimiter } from "./auth/limiter";
import { type ApiConfig, DEFAULT_AUTH, DEFAULT_RULES } from "./config";
import { type ApiDeps, createContextInner } from "./context";
import { createCaller } from "./root";
import type { UserView } from "./services/views";

export const TEST_JWT_SECRET = "test-secret-test-secret-test-secret";

export function testConfig(
  overrides: { rules?: Partial<ApiConfig["rules"]>; auth?: Partial<ApiConfig["auth"]> } = {},
): ApiConfig {
  return {
    rules: { ...DEFAULT_RULES, ...overrides.rules },
    auth: {
      ...DEFAULT_AUTH,
      bcryptCost: 4,
      jwtSecret: TEST_JWT_SECRET,
      // Every test caller shares one address: suites register more students than a network may.
      registrationsPerIpPerHour: 100_000,
      ...overrides.auth,
    },
  };
}

export interface TestApi {
  database: TestDatabase;
  deps: ApiDeps;
  /** A caller acting as the given seeded user id (1 = S2021001 Alice … 10, 11 = ADMIN001). */
  as(userId: number): Promise<ReturnType<typeof createCaller>>;
  anonymous: ReturnType<typeof createCaller>;
  tokenFor(userId: number): Promise<string>;
  destroy(): Promise<void>;
}

/** Deps over a fresh seeded test database (real Postgres when DATABASE_URL is set, else PGlite). */
export async function createTestApi(
  config: ApiConfig = testConfig(),
  options: { poolSize?: number } = {},
): Promise<TestApi> {
  const database = await createTestDatabase(options);
  const deps: ApiDeps = {
    db: database.db,
    cache: createMemoryCache(),
    bus: createMemoryBus(),
    config,
    loginLimiter: createLoginLimiter(config.auth),
  };
  const userById = async (userId: number): Promise<UserView> => {
    const caller = createCaller(
      createContextInner({
        ...deps,
        user: {
          id: userId,
          studentId: "",
          name: "",
          role: userId === 11 ? "admin" : "student",
          exp: Math.floor(Date.now() / 1000) + 3600,
        },
      }),
    );
    return caller.auth.me();
  };
  const sessionUser = async (userId: number) => {
    const u = await userById(userId);
    return { ...u, exp: Math.floor(Date.now() / 1000) + 3600 };
  };
  return {
    database,
    deps,
    async as(userId) {
      return createCaller(createContextInner({ ...deps, user: await sessionUser(userId) }));
    },
    anonymous: createCaller(createContextInner({ ...deps })),
    async tokenFor(userId) {
      const u = await userById(userId);
      return (await signToken(u, config.auth.jwtSecret, 1)).token;
    },
    destroy: () => database.destroy(),
  };
}
