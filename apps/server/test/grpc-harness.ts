import type { DescService } from "@bufbuild/protobuf";
import { type Client, Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AuthService, NotifyService, ReservationService, SeatService } from "../src/grpc/gen/library_pb";
import { NotificationService } from "../src/grpc/gen/notifications_pb";

/** Generated-code clients over real gRPC (always HTTP/2 in connect v2), as grpcio or grpc-js would connect. */
export function grpcClients(baseUrl: string, token?: string) {
  const transport = createGrpcTransport({
    baseUrl,
    interceptors: token
      ? [
          (next) => (req) => {
            req.header.set("authorization", `Bearer ${token}`);
            return next(req);
          },
        ]
      : [],
  });
  const make = <S extends DescService>(service: S): Client<S> => createClient(service, transport);
  return {
    auth: make(AuthService),
    seats: make(SeatService),
    reservations: make(ReservationService),
    notify: make(NotifyService),
    notifications: make(NotificationService),
  };
}

/** The gRPC status name of a call ("OK" on success), e.g. "AlreadyExists". */
export async function grpcCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    if (error instanceof ConnectError) return Code[error.code];
    throw error;
  }
}

export async function grpcLogin(baseUrl: string, studentId: string): Promise<string> {
  const res = await grpcClients(baseUrl).auth.login({ studentId, password: "password123" });
  return res.token;
}
