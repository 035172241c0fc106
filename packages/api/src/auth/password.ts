import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/**
 * Password hashing on worker threads. bcryptjs is pure JS: at cost 10 one hash or compare is
 * ~100 ms of CPU, and on the event loop (even with its async API, which only slices that time)
 * every login delayed every other request. A pool of one worker per core runs them in
 * parallel, off the main thread.
 *
 * The worker is an eval'd CommonJS snippet that requires bcryptjs by absolute path: that loads
 * the same way under tsx, vitest and plain node, with no TypeScript for the worker to compile.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const bcrypt = require(workerData.bcryptPath);
parentPort.on("message", ({ id, op, password, hashOrCost }) => {
  try {
    const result = op === "hash" ? bcrypt.hashSync(password, hashOrCost) : bcrypt.compareSync(password, hashOrCost);
    parentPort.postMessage({ id, result });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});`;

type Job =
  | { op: "hash"; password: string; hashOrCost: number }
  | { op: "compare"; password: string; hashOrCost: string };
interface Pending {
  resolve: (value: string | boolean) => void;
  reject: (error: Error) => void;
}

class BcryptPool {
  private readonly idle: Worker[] = [];
  private readonly queue: { job: Job; pending: Pending }[] = [];
  private readonly inFlight = new Map<Worker, { id: number; pending: Pending }>();
  private nextId = 0;
  private readonly bcryptPath = createRequire(import.meta.url).resolve("bcryptjs");

  constructor(private readonly size: number) {}

  run(job: Job): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, pending: { resolve, reject } });
      this.dispatch();
    });
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bcryptPath: this.bcryptPath } });
    // Idle workers must not keep a process (a test run, a stopping server) alive.
    worker.unref();
    worker.on("message", (msg: { id: number; result?: string | boolean; error?: string }) => {
      const current = this.inFlight.get(worker);
      this.inFlight.delete(worker);
      this.idle.push(worker);
      worker.unref();
      if (current) {
        if (msg.error !== undefined) current.pending.reject(new Error(msg.error));
        else current.pending.resolve(msg.result as string | boolean);
      }
      this.dispatch();
    });
    worker.on("error", (error) => {
      const current = this.inFlight.get(worker);
      this.inFlight.delete(worker);
      current?.pending.reject(error);
    });
    worker.on("exit", () => {
      this.inFlight.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at !== -1) this.idle.splice(at, 1);
      this.dispatch();
    });
    return worker;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker =
        this.idle.pop() ?? (this.inFlight.size + this.idle.length < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const next = this.queue.shift();
      if (!next) {
        this.idle.push(worker);
        return;
      }
      const id = this.nextId++;
      this.inFlight.set(worker, { id, pending: next.pending });
      // Busy workers keep the process alive until their answer arrives.
      worker.ref();
      worker.postMessage({ id, ...next.job });
    }
  }
}

const pool = new BcryptPool(Math.max(1, availableParallelism()));

export async function hashPassword(password: string, cost: number): Promise<string> {
  return (await pool.run({ op: "hash", password, hashOrCost: cost })) as string;
}

const compare = async (password: string, hash: string) =>
  (await pool.run({ op: "compare", password, hashOrCost: hash })) as boolean;

/** A hash of a random string: unknown students cost the same time as wrong passwords. */
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(password: string, hash: string | undefined, cost: number) {
  if (hash === undefined) {
    dummyHash ??= hashPassword(`dummy-${Math.random()}`, cost);
    await compare(password, await dummyHash);
    return false;
  }
  return compare(password, hash);
}
