import WebSocket from "ws";
import type { BenchContext, ScenarioResult } from "./context";
import { BENCH_PASSWORD } from "./dataset";
import { type Measurement, percentile, runHttp } from "./load";
import { popularRequests } from "./scenarios-http";
import { bearer, pick } from "./workload";

/** Logins (bcrypt at BCRYPT_COST) and, at the same time, cached seat discovery. */
export async function loginUnderLoad(ctx: BenchContext): Promise<ScenarioResult> {
  const login = () =>
    ctx.requests.login({ studentId: pick(ctx.campus.users).studentId, password: BENCH_PASSWORD });
  const windows = popularRequests(ctx);
  const discover = () => ctx.requests.seats(pick(ctx.campus.users).token, pick(windows));
  const { url } = ctx.server;
  const seconds = ctx.env.BENCH_SECONDS;
  const loginConnections = 8;
  const discoveryConnections = Math.max(1, ctx.env.BENCH_CONNECTIONS - loginConnections);
  if (ctx.env.BENCH_WARMUP_SECONDS > 0) {
    await runHttp({ url, connections: loginConnections, seconds: ctx.env.BENCH_WARMUP_SECONDS, next: login });
  }
  // Two phases, one per claim of the target. Logins alone: do they spread over every core (the
  // hashing pool), with the machine to themselves? With discovery alongside at full speed: do
  // they leave seat discovery fast? In the second the load generator takes 0.5-1 core of the
  // machine, so the server's cores there measure how the OS splits the CPU, not the logins.
  let cpu0 = ctx.server.cpuSeconds();
  const alone = await runHttp({ url, connections: loginConnections, seconds, next: login });
  const serverCoresAlone = (ctx.server.cpuSeconds() - cpu0) / alone.seconds;
  cpu0 = ctx.server.cpuSeconds();
  const [logins, discovery]: Measurement[] = await Promise.all([
    runHttp({ url, connections: loginConnections, seconds, next: login }),
    runHttp({ url, connections: discoveryConnections, seconds, next: discover }),
  ]);
  if (!logins || !discovery) throw new Error("unreachable");
  const serverCores = (ctx.server.cpuSeconds() - cpu0) / logins.seconds;
  return {
    id: "login",
    title: "auth.login from the SPA's login form under load (+ typed-client discovery alongside)",
    measurement: logins,
    serverCores,
    notes: {
      loginsAloneRps: Number(alone.rps.toFixed(1)),
      loginsAloneP99: alone.p99,
      loginsAloneErrors: alone.errors,
      serverCoresLoginsAlone: Number(serverCoresAlone.toFixed(2)),
      loginConnections,
      discoveryConnections,
      discoveryRpsDuringLogins: Math.round(discovery.rps),
      discoveryP50DuringLogins: discovery.p50,
      discoveryP99DuringLogins: discovery.p99,
      discoveryErrors: discovery.errors,
    },
  };
}

interface Subscriber {
  socket: WebSocket;
  /** Set by the bench before a booking; the subscriber stamps the delivery time. */
  onBooked?: (at: number) => void;
}

async function subscribe(wsUrl: string, token: string): Promise<Subscriber> {
  const socket = new WebSocket(`${wsUrl}/trpc?connectionParams=1`);
  const sub: Subscriber = { socket };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("subscription not started in 30 s")), 30_000);
    socket.once("error", reject);
    socket.on("open", () => {
      socket.send(JSON.stringify({ method: "connectionParams", data: { token } }));
      socket.send(
        JSON.stringify({ id: 1, method: "subscription", params: { path: "seats.onChange", input: {} } }),
      );
    });
    socket.on("message", (data) => {
      const at = performance.now();
      const text = String(data);
      // tRPC's keep-alive: answer it like its client does.
      if (text === "PING") {
        socket.send("PONG");
        return;
      }
      const msg = JSON.parse(text) as {
        result?: { type?: string; data?: { reason?: string } };
        error?: { message?: string };
      };
      if (msg.error) {
        clearTimeout(timer);
        reject(new Error(`subscription failed: ${msg.error.message}`));
      } else if (msg.result?.type === "started") {
        clearTimeout(timer);
        resolve();
      } else if (msg.result?.type === "data" && msg.result.data?.reason === "booked") {
        sub.onBooked?.(at);
      }
    });
  });
  return sub;
}

/** 1,000 subscribers on seats.onChange; per booking, the time until the LAST of them has it. */
export async function wsFanout(ctx: BenchContext): Promise<ScenarioResult> {
  const wsUrl = ctx.server.url.replace(/^http/, "ws");
  const n = ctx.env.BENCH_WS_SUBSCRIBERS;
  const subs: Subscriber[] = [];
  const t0 = performance.now();
  try {
    // In batches: a thousand simultaneous handshakes measure the accept queue, not fan-out.
    for (let i = 0; i < n; i += 50) {
      const users = ctx.campus.users;
      const tokens = Array.from(
        { length: Math.min(50, n - i) },
        (_, k) => users[(i + k) % users.length]?.token,
      );
      subs.push(...(await Promise.all(tokens.map((t) => subscribe(wsUrl, t ?? "")))));
    }
    const connectSeconds = (performance.now() - t0) / 1000;
    const lastDelivery: number[] = [];
    const allDeliveries: number[] = [];
    let missed = 0;
    const bookings = ctx.env.BENCH_WS_BOOKINGS + 2; // the first two warm up
    for (let b = 0; b < bookings; b++) {
      const s = ctx.slots.next();
      const user = ctx.campus.users[s.userIndex];
      if (!user) throw new Error("no user for slot");
      const times: number[] = [];
      const all = new Promise<void>((resolve) => {
        for (const sub of subs) {
          sub.onBooked = (at) => {
            sub.onBooked = undefined;
            times.push(at);
            if (times.length === subs.length) resolve();
          };
        }
      });
      const start = performance.now();
      const res = await fetch(`${ctx.server.url}/trpc/reservations.create`, {
        method: "POST",
        headers: { ...bearer(user.token), "content-type": "application/json" },
        body: JSON.stringify({ seatId: s.seatId, startTime: s.start, endTime: s.end }),
      });
      if (!res.ok) throw new Error(`booking answered ${res.status}: ${await res.text()}`);
      await Promise.race([all, new Promise((r) => setTimeout(r, 10_000))]);
      for (const sub of subs) sub.onBooked = undefined;
      if (b < 2) continue;
      missed += subs.length - times.length;
      lastDelivery.push(Math.max(...times) - start);
      for (const t of times) allDeliveries.push(t - start);
    }
    const measurement: Measurement = {
      rps: Number.NaN,
      p50: percentile(lastDelivery, 50),
      p99: percentile(lastDelivery, 99),
      requests: lastDelivery.length,
      errors: missed,
      statusCounts: {},
      seconds: 0,
    };
    return {
      id: "ws-fanout",
      title: `seats.onChange fan-out to ${n} subscribers (booking → last delivery)`,
      measurement,
      notes: {
        subscribers: subs.length,
        bookings: lastDelivery.length,
        connectSeconds: Number(connectSeconds.toFixed(1)),
        everyDeliveryP50: Number(percentile(allDeliveries, 50).toFixed(1)),
        everyDeliveryP99: Number(percentile(allDeliveries, 99).toFixed(1)),
      },
    };
  } finally {
    for (const sub of subs) sub.socket.terminate();
  }
}
