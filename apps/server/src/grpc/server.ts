import {
  createServer,
  type Http2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type ServerHttp2Session,
} from "node:http2";
import type { AddressInfo } from "node:net";
import { createContextValues } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { ApiDeps } from "@dlsms/api";
import type { Logger } from "../logger";
import { peerAddress } from "./context";
import { withGetSeatsShortcut } from "./seats-shortcut";
import { registerAuthService } from "./services/auth";
import { registerNotificationService } from "./services/notifications";
import { registerNotifyService } from "./services/notify";
import { registerReservationService } from "./services/reservations";
import { registerSeatService } from "./services/seats";

export interface GrpcDoorOptions {
  deps: ApiDeps;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  logger: Pick<Logger, "error">;
  /** Largest request message accepted, in bytes. */
  readMaxBytes?: number;
  /** Wraps the door's handler (metrics, request log); gets the set of served method paths. */
  observe?: (handler: GrpcHandler, methods: ReadonlySet<string>) => GrpcHandler;
}

export interface GrpcDoor {
  server: Http2Server;
  port: number;
  close(): Promise<void>;
}

/**
 * The original's gRPC service (package `library`, plaintext HTTP/2 like its
 * `add_insecure_port`) as a thin adapter over the tRPC procedures. Connect's node adapter
 * speaks the gRPC protocol, so grpcio and grpc-js clients generated from library.proto work.
 */
type GrpcHandler = (req: Http2ServerRequest, res: Http2ServerResponse) => void;

export async function startGrpcServer(options: GrpcDoorOptions): Promise<GrpcDoor> {
  const ctx = { deps: options.deps, logger: options.logger };
  const methods = new Set<string>();
  const handler = connectNodeAdapter({
    grpc: true,
    // Only gRPC is the contract; the other two protocols would be untested surface.
    grpcWeb: false,
    connect: false,
    readMaxBytes: options.readMaxBytes ?? 1_048_576,
    // Answers go out uncompressed, as the original's grpcio server sends them by default
    // (compressed requests are still accepted): on a library's LAN the bytes are cheaper than
    // gzipping every seat list here and inflating it again in the client (docs/performance-log.md).
    compressMinBytes: Number.POSITIVE_INFINITY,
    contextValues: (req) => createContextValues().set(peerAddress, req.socket.remoteAddress ?? "unknown"),
    routes: (router) => {
      registerAuthService(router, ctx);
      registerSeatService(router, ctx);
      registerReservationService(router, ctx);
      registerNotifyService(router, ctx);
      registerNotificationService(router, ctx);
      for (const h of router.handlers) methods.add(h.requestPath);
    },
  });
  const served = withGetSeatsShortcut(options.deps, handler);
  const server = createServer(options.observe ? options.observe(served, methods) : served);
  const sessions = new Set<ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        // close() waits for open sessions (streams included): end them so shutdown finishes.
        server.close(() => resolve());
        for (const session of sessions) session.close();
        setTimeout(() => {
          for (const session of sessions) session.destroy();
        }, 1_000).unref();
      }),
  };
}
