/**
 * Writes items in groups: `add` queues one and resolves once it is written. While a
 * write is running, new items wait and go together in the next one, so many
 * deliveries answered at about the same time cost one transaction, and a slow one
 * never holds back the others' records.
 *
 * @example
 * ```ts
 * const writer = new GroupCommit((items) => inTransaction(db, (trx) => queue.settleAll(trx, items, now)).then(() => undefined));
 * await writer.add(outcome);
 * ```
 */
export class GroupCommit<T> {
  private waiting: Array<{ item: T; done: () => void; failed: (error: unknown) => void }> = [];
  private running = false;

  constructor(private readonly write: (items: readonly T[]) => Promise<void>) {}

  add(item: T): Promise<void> {
    return new Promise<void>((done, failed) => {
      this.waiting.push({ item, done, failed });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.waiting.length > 0) {
      const group = this.waiting;
      this.waiting = [];
      try {
        await this.write(group.map((g) => g.item));
        for (const g of group) g.done();
      } catch (error) {
        for (const g of group) g.failed(error);
      }
    }
    this.running = false;
  }
}
