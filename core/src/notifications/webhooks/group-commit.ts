/**
 * Writes items in groups: `add` queues one and resolves once it is written. The
 * first item waits `lingerMs` for company; while a write is running, new items wait
 * and go together in the next one. So many deliveries answered at about the same
 * time cost one transaction, and a slow one never holds back the others' records.
 *
 * @example
 * ```ts
 * const writer = new GroupCommit((items) => inTransaction(db, (trx) => queue.settleAll(trx, items, now)).then(() => undefined), 10);
 * await writer.add(outcome);
 * ```
 */
export class GroupCommit<T> {
  private waiting: Array<{ item: T; done: () => void; failed: (error: unknown) => void }> = [];
  private running = false;

  constructor(
    private readonly write: (items: readonly T[]) => Promise<void>,
    private readonly lingerMs = 0,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((done, failed) => {
      this.waiting.push({ item, done, failed });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    if (this.lingerMs > 0) await new Promise((r) => setTimeout(r, this.lingerMs));
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
