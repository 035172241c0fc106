/**
 * Items that arrive in the same turn of the event loop go to the database in one statement (`run`
 * answers them in order): a commit and a round trip shared by many requests instead of one each,
 * as booking-batches.ts does for the bookings themselves.
 */
export class TurnStatements<I, O> {
  private waiting: { item: I; resolve: (out: O) => void; reject: (error: unknown) => void }[] = [];

  constructor(private readonly run: (items: I[]) => Promise<O[]>) {}

  add(item: I): Promise<O> {
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => this.flush());
      this.waiting.push({ item, resolve, reject });
    });
  }

  private flush(): void {
    const group = this.waiting;
    this.waiting = [];
    this.run(group.map((w) => w.item)).then(
      (outs) => {
        for (const [i, w] of group.entries()) w.resolve(outs[i] as O);
      },
      (error: unknown) => {
        for (const w of group) w.reject(error);
      },
    );
  }
}
