import { create } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { resolveUser } from "@dlsms/api";
import { anonymousCaller, authenticate, type Caller, type GrpcDeps, guard } from "../context";
import {
  AuthService,
  LoginResponseSchema,
  RegisterResponseSchema,
  VerifyResponseSchema,
} from "../gen/library_pb";

type Session = Awaited<ReturnType<Caller["auth"]["login"]>>;

const sessionFields = (s: Session) => ({
  token: s.token,
  userId: s.user.id,
  studentId: s.user.studentId,
  name: s.user.name,
});

export function registerAuthService(router: ConnectRouter, { deps, logger }: GrpcDeps): void {
  router.service(AuthService, {
    login: guard(logger, async (req, ctx) => {
      const session = await anonymousCaller(deps, ctx).auth.login({
        studentId: req.studentId,
        password: req.password,
      });
      return create(LoginResponseSchema, sessionFields(session));
    }),
    register: guard(logger, async (req, ctx) => {
      const session = await anonymousCaller(deps, ctx).auth.register({
        studentId: req.studentId,
        password: req.password,
        name: req.name,
      });
      return create(RegisterResponseSchema, sessionFields(session));
    }),
    // Like the original, a bad token in the request is an answer (valid=false), not an error; the
    // call itself needs a valid token in metadata like every RPC but Login/Register.
    verify: guard(logger, async (req, ctx) => {
      await authenticate(deps, ctx);
      const { user } = await resolveUser(req.token || undefined, deps.config.auth.jwtSecret);
      return create(VerifyResponseSchema, {
        valid: user !== null,
        userId: user?.id ?? 0,
        studentId: user?.studentId ?? "",
      });
    }),
  });
}
