import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Doors, startDoors, tomorrowAt } from "./rest-harness";

// Wire compatibility with a client that knows nothing of our generated code: grpc-js loading
// library.proto at run time, as the original's grpcio clients do with their own stubs.

type Callback<T> = (error: grpc.ServiceError | null, response: T) => void;
type Unary = (request: object, metadata: grpc.Metadata, callback: Callback<Record<string, unknown>>) => void;
type ServiceClient = grpc.Client & Record<string, Unary>;
type ServiceCtor = new (address: string, credentials: grpc.ChannelCredentials) => ServiceClient;

const PROTO = fileURLToPath(new URL("../src/grpc/library.proto", import.meta.url));
const definition = protoLoader.loadSync(PROTO, {
  keepCase: true,
  longs: Number,
  defaults: true,
  oneofs: true,
});
const library = (
  grpc.loadPackageDefinition(definition) as unknown as { library: Record<string, ServiceCtor> }
).library;

let doors: Doors;
const clients: grpc.Client[] = [];
function client(service: string): ServiceClient {
  const Ctor = library[service];
  if (!Ctor) throw new Error(`no service ${service}`);
  const c = new Ctor(`127.0.0.1:${doors.grpc.port}`, grpc.credentials.createInsecure());
  clients.push(c);
  return c;
}

function invoke(c: ServiceClient, method: string, request: object, token?: string) {
  const metadata = new grpc.Metadata();
  if (token) metadata.set("authorization", `Bearer ${token}`);
  return new Promise<{ code: number; response?: Record<string, unknown> }>((resolve) => {
    const fn = c[method];
    if (!fn) throw new Error(`no method ${method}`);
    fn.call(c, request, metadata, (error, response) =>
      resolve(error ? { code: error.code } : { code: grpc.status.OK, response }),
    );
  });
}

beforeAll(async () => {
  doors = await startDoors();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await doors?.stop();
});

describe("grpc-js client with library.proto", () => {
  it("logs in, reads, books, conflicts, and is refused without a token", async () => {
    const auth = client("AuthService");
    const seats = client("SeatService");
    const resv = client("ReservationService");

    const login = await invoke(auth, "Login", { student_id: "S2021001", password: "password123" });
    expect(login.code).toBe(grpc.status.OK);
    expect(login.response).toMatchObject({ user_id: 1, student_id: "S2021001", name: "Alice Johnson" });
    const token = login.response?.token as string;
    const bob = (await invoke(auth, "Login", { student_id: "S2021002", password: "password123" })).response
      ?.token as string;

    expect((await invoke(seats, "GetBranches", {})).code).toBe(grpc.status.UNAUTHENTICATED);
    const branches = await invoke(seats, "GetBranches", {}, token);
    expect(branches.response?.branches).toHaveLength(3);
    const power = await invoke(seats, "GetSeats", { has_power: true }, token);
    expect(power.response?.count).toBe(41);

    const slot = { user_id: 0, seat_id: 40, start_time: tomorrowAt(10), end_time: tomorrowAt(11) };
    const booked = await invoke(resv, "CreateReservation", slot, token);
    expect(booked.code).toBe(grpc.status.OK);
    expect(booked.response?.reservation).toMatchObject({ user_id: 1, seat_id: 40, status: "CONFIRMED" });
    expect((await invoke(resv, "CreateReservation", slot, bob)).code).toBe(grpc.status.ALREADY_EXISTS);
    expect((await invoke(resv, "CreateReservation", { ...slot, user_id: 1 }, bob)).code).toBe(
      grpc.status.PERMISSION_DENIED,
    );
    const id = (booked.response?.reservation as { id: number } | undefined)?.id ?? 0;
    expect((await invoke(resv, "GetReservation", { reservation_id: id }, bob)).code).toBe(
      grpc.status.NOT_FOUND,
    );
    expect((await invoke(resv, "GetReservation", { reservation_id: id }, token)).code).toBe(grpc.status.OK);
  });
});
