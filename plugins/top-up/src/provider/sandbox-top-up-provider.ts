import { Database, isUniqueViolation } from '@tender/core';
import { TopUpOutcome, TopUpProvider, TopUpRequest } from './top-up-provider';

/**
 * How the sandbox answers, chosen by the number's last four digits (any operator):
 * `0002` rejects, `0003` credits but does not answer before Tender's timeout
 * (Tender must inquire), `0004` answers `pending` and is credited `laterMs` after
 * the send; every other number is credited at once.
 */
export const SANDBOX_NUMBERS = { rejects: '0002', timesOut: '0003', answersLater: '0004' } as const;

export interface SandboxProviderOptions {
  /** How long a `0003` send holds its answer (longer than Tender's provider timeout). */
  readonly hangMs: number;
  /** How long after the send a `0004` top-up is settled. */
  readonly laterMs: number;
}

interface OperationRow {
  reference: string;
  outcome: string;
  created_at: number | string;
  settles_at: number | string;
}

/**
 * A simulated operator with its own books (`top_up_sandbox_operations`, one row per
 * reference: the top-ups that took effect) and a log of every call
 * (`top_up_sandbox_calls`), so tests count what really reached it. It stands for a
 * system outside Tender; it is not a mock of Tender's code.
 */
export class SandboxTopUpProvider implements TopUpProvider {
  readonly code = 'sandbox';

  constructor(
    private readonly db: () => Database,
    private readonly now: () => number,
    private readonly options: SandboxProviderOptions,
  ) {}

  async send(request: TopUpRequest, signal: AbortSignal): Promise<TopUpOutcome> {
    await this.log(request.reference, 'send');
    const suffix = request.phone.slice(-4);
    const outcome = suffix === SANDBOX_NUMBERS.rejects ? 'rejected' : 'accepted';
    const settlesAt = suffix === SANDBOX_NUMBERS.answersLater ? this.now() + this.options.laterMs : this.now();
    try {
      await this.db()('top_up_sandbox_operations').insert({
        reference: request.reference,
        phone: request.phone,
        amount: request.amount,
        outcome,
        created_at: this.now(),
        settles_at: settlesAt,
      });
    } catch (error) {
      // A repeated reference: the operator answers with the first outcome and credits nothing more.
      if (!isUniqueViolation(error)) throw error;
    }
    if (suffix === SANDBOX_NUMBERS.timesOut) await hold(this.options.hangMs, signal);
    const answer = await this.answer(request.reference);
    return answer.status === 'not_found' ? { status: 'pending' } : answer;
  }

  async inquire(reference: string): Promise<TopUpOutcome | { readonly status: 'not_found' }> {
    await this.log(reference, 'inquiry');
    return this.answer(reference);
  }

  private async answer(reference: string): Promise<TopUpOutcome | { readonly status: 'not_found' }> {
    const row = (await this.db()('top_up_sandbox_operations').where({ reference }).first()) as OperationRow | undefined;
    if (row === undefined) return { status: 'not_found' } as const;
    if (Number(row.settles_at) > this.now()) return { status: 'pending' };
    return row.outcome === 'rejected'
      ? { status: 'rejected', reason: 'the subscriber account cannot receive payments (sandbox)' }
      : { status: 'accepted', providerReference: `sbx_${reference}` };
  }

  private async log(reference: string, kind: 'send' | 'inquiry'): Promise<void> {
    await this.db()('top_up_sandbox_calls').insert({ reference, kind, at: this.now() });
  }
}

/** Waits `ms`, or rejects as soon as `signal` aborts (Tender's timeout). */
function hold(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new Error('aborted'));
      },
      { once: true },
    );
  });
}
