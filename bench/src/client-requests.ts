import { randomUUID } from "node:crypto";
import type { AppRouter } from "@dlsms/api";
import { spaHttpLink } from "@dlsms/web/links";
import { createTRPCClient, httpBatchLink, type TRPCLink } from "@trpc/client";

/** One HTTP request exactly as a client sends it. */
export interface ClientRequest {
  method: "GET" | "POST";
  /** Path and query, e.g. `/trpc/seats.list?batch=1&input=…`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

type Client = ReturnType<typeof createTRPCClient<AppRouter>>;
type Fetch = typeof globalThis.fetch;

const RECORDING_ORIGIN = "http://recording.invalid";

/**
 * The requests a client's link sends for calls made in one tick. Nothing goes out: the link's
 * fetch is a recorder that refuses, so the calls fail after their request was written down.
 */
async function recorded(
  link: (fetch: Fetch) => TRPCLink<AppRouter>,
  calls: (client: Client) => Promise<unknown>[],
) {
  const requests: ClientRequest[] = [];
  const recorder: Fetch = async (input, init) => {
    const url = new URL(String(input), RECORDING_ORIGIN);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const method = (init?.method ?? "GET") as ClientRequest["method"];
    const body = typeof init?.body === "string" ? init.body : undefined;
    requests.push({
      method,
      path: `${url.pathname}${url.search}`,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    throw new Error("recorded, not sent");
  };
  await Promise.allSettled(calls(createTRPCClient<AppRouter>({ links: [link(recorder)] })));
  return requests;
}

async function one(
  link: (fetch: Fetch) => TRPCLink<AppRouter>,
  calls: (client: Client) => Promise<unknown>[],
) {
  const requests = await recorded(link, calls);
  if (requests.length !== 1) throw new Error(`expected one request, the link sent ${requests.length}`);
  return requests[0] as ClientRequest;
}

const spa = (token: string) => (fetch: Fetch) => spaHttpLink(token, fetch);
/** A TypeScript service's client: `createTRPCClient` with `httpBatchLink`'s defaults. */
const typedClient = (token: string) => (fetch: Fetch) =>
  httpBatchLink<AppRouter>({
    url: `${RECORDING_ORIGIN}/trpc`,
    headers: { authorization: `Bearer ${token}` },
    fetch,
  });

export interface FinderWindow {
  branch?: string;
  startTime: string;
  endTime: string;
}

/**
 * The finder page's first load: every query it issues at once, in the order the SPA issues
 * them (the notification bell, the student's reservations, their standing, the branches, the
 * seat map).
 * apps/e2e records the SPA's own request in Chromium and compares it with this one.
 */
export const spaFinderFirstLoad = (token: string, window: FinderWindow) =>
  one(spa(token), (c) => [
    c.notifications.list.query({ unreadOnly: true }),
    c.reservations.mine.query({ upcomingOnly: true }),
    c.auth.me.query(),
    c.branches.list.query(),
    c.seats.list.query(window),
  ]);

/** Opening a seat's dialog: the seat, and its busy intervals over the shown day. */
export const spaSeatDetail = (token: string, seatId: number, from: string, to: string) =>
  one(spa(token), (c) => [
    c.seats.get.query({ id: seatId }),
    c.seats.availability.query({ seatId, from, to }),
  ]);

/** The Idempotency-Key recorded in a template, replaced by a fresh one in each request made. */
const SAMPLE_IDEMPOTENCY_KEY = "sample-idempotency-key";

/**
 * The booking dialog's Book button: with a fresh Idempotency-Key per booking action, as the SPA
 * sends it (apps/web/src/features/finder/useBook.ts).
 */
export const spaBooking = (
  token: string,
  booking: { seatId: number; startTime: string; endTime: string },
  idempotencyKey = SAMPLE_IDEMPOTENCY_KEY,
) => one(spa(token), (c) => [c.reservations.create.mutate(booking, { context: { idempotencyKey } })]);

/** Another service listing seats through the typed client with its default link. */
export const typedClientSeatsList = (token: string, filters: FinderWindow) =>
  one(typedClient(token), (c) => [c.seats.list.query(filters)]);

const SAMPLE_TOKEN = "sample-token";

/**
 * A request kind recorded once, for a sample token and input, then made for any token and
 * input by putting theirs where the sample's stood: recording through the client costs ~2 ms,
 * too slow for a load generator. bench/test checks the result against fresh recordings.
 * Without a sample input only the token changes; a request without a token keeps none.
 */
export async function requestMaker<I>(
  kind: (token: string, input: I) => Promise<ClientRequest>,
  sample: I,
  inputChanges = true,
): Promise<(token: string, input: I) => ClientRequest> {
  const template = await kind(SAMPLE_TOKEN, sample);
  const json = JSON.stringify(sample);
  const encoded = encodeURIComponent(json);
  const inPath = template.path.includes(encoded);
  if (inputChanges && !inPath && !template.body?.includes(json))
    throw new Error("the sample input is not in the request");
  const withToken = template.headers.authorization === `Bearer ${SAMPLE_TOKEN}`;
  const keyed = template.headers["idempotency-key"] === SAMPLE_IDEMPOTENCY_KEY;
  return (token, input) => {
    const text = JSON.stringify(input);
    let headers = withToken ? { ...template.headers, authorization: `Bearer ${token}` } : template.headers;
    // A booking action's own key, as the SPA makes one per action (never a repeat of another's).
    if (keyed) headers = { ...headers, "idempotency-key": randomUUID() };
    if (!inputChanges) return { ...template, headers };
    return {
      ...template,
      headers,
      ...(inPath
        ? { path: template.path.replace(encoded, () => encodeURIComponent(text)) }
        : { body: template.body?.replace(json, () => text) }),
    };
  };
}

/** The SPA's login form. */
export const spaLogin = (_token: string, credentials: { studentId: string; password: string }) =>
  one(
    (fetch) => spaHttpLink(null, fetch),
    (c) => [c.auth.login.mutate(credentials)],
  );

export const typedClientBranches = (token: string) =>
  one(typedClient(token), (c) => [c.branches.list.query()]);

export const typedClientMine = (token: string) =>
  one(typedClient(token), (c) => [c.reservations.mine.query({ upcomingOnly: true })]);

type Booking = { seatId: number; startTime: string; endTime: string };

/** What the scenarios send, each made as its client makes it. */
export interface ClientRequests {
  /** The SPA. */
  finder: (token: string, window: FinderWindow) => ClientRequest;
  booking: (token: string, booking: Booking) => ClientRequest;
  login: (credentials: { studentId: string; password: string }) => ClientRequest;
  /** A TypeScript service with `createTRPCClient`'s defaults. */
  seats: (token: string, filters: FinderWindow) => ClientRequest;
  branches: (token: string) => ClientRequest;
  mine: (token: string) => ClientRequest;
}

export async function clientRequests(): Promise<ClientRequests> {
  const window = { startTime: "2030-01-07T10:00:00.000Z", endTime: "2030-01-07T11:00:00.000Z" };
  const booking = await requestMaker(spaBooking, { seatId: 1, ...window });
  const login = await requestMaker(spaLogin, { studentId: "S0000", password: "sample-password" });
  const branches = await requestMaker(typedClientBranches, undefined, false);
  const mine = await requestMaker(typedClientMine, undefined, false);
  return {
    finder: await requestMaker(spaFinderFirstLoad, window),
    booking,
    login: (credentials) => login("", credentials),
    seats: await requestMaker<FinderWindow>(typedClientSeatsList, { branch: "Main Library", ...window }),
    branches: (token) => branches(token, undefined),
    mine: (token) => mine(token, undefined),
  };
}
