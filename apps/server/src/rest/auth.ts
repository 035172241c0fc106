import type { ApiDeps } from "@dlsms/api";
import { loginInput, registerInput } from "@dlsms/validators";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { callerFor, type RestEnv } from "./context";
import { errorResponse, jsonBody, LoginResponse, toSession } from "./schemas";

// Field rules come from @dlsms/validators; only the key names are the original's.
const LoginBody = z
  .object({ student_id: loginInput.shape.studentId, password: loginInput.shape.password })
  .openapi("LoginRequest", { example: { student_id: "S2021001", password: "password123" } });

const RegisterBody = z
  .object({
    student_id: registerInput.shape.studentId,
    password: registerInput.shape.password,
    name: registerInput.shape.name,
    email: registerInput.shape.email,
  })
  .openapi("RegisterRequest", {
    example: { student_id: "S2025042", password: "a long passphrase", name: "Ada Lovelace" },
  });

const login = createRoute({
  method: "post",
  path: "/auth/login",
  tags: ["auth"],
  summary: "Log in; returns a Bearer token",
  request: { body: { ...jsonBody(LoginBody, "Credentials"), required: true } },
  responses: {
    200: jsonBody(LoginResponse, "Logged in"),
    400: errorResponse("Missing or malformed field"),
    401: errorResponse("Invalid credentials"),
    413: errorResponse("Body too large"),
    415: errorResponse("Body is not JSON"),
    429: errorResponse("Too many attempts; see Retry-After"),
  },
});

const register = createRoute({
  method: "post",
  path: "/auth/register",
  tags: ["auth"],
  summary: "Create a student account; returns a Bearer token at once",
  request: { body: { ...jsonBody(RegisterBody, "New account"), required: true } },
  responses: {
    201: jsonBody(LoginResponse, "Registered and logged in"),
    400: errorResponse("Missing or malformed field"),
    409: errorResponse("Student ID already exists"),
    413: errorResponse("Body too large"),
    415: errorResponse("Body is not JSON"),
    429: errorResponse("Too many registrations from this address; see Retry-After"),
  },
});

export function registerAuthRoutes(app: OpenAPIHono<RestEnv>, deps: ApiDeps): void {
  app.openapi(login, async (c) => {
    const body = c.req.valid("json");
    const session = await callerFor(deps, c).auth.login({
      studentId: body.student_id,
      password: body.password,
    });
    return c.json(toSession(session), 200);
  });
  app.openapi(register, async (c) => {
    const body = c.req.valid("json");
    const session = await callerFor(deps, c).auth.register({
      studentId: body.student_id,
      password: body.password,
      name: body.name,
      email: body.email,
    });
    return c.json(toSession(session), 201);
  });
}
