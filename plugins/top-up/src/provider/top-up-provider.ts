/**
 * One top-up as the provider receives it.
 *
 * @example
 * ```ts
 * { reference: 'tu_5aUJtLi7ewO1O3i9hHTlVYDj', phone: '+79161230001', operatorInn: '7740000076', amount: 10050, currency: 'RUB' }
 * ```
 */
export interface TopUpRequest {
  /**
   * The idempotency reference (the top-up's id, `tu_...`): the same for every send and
   * inquiry of one top-up, so a provider that sees it twice credits the phone once.
   */
  readonly reference: string;
  /** E.164, `+79161234567`. */
  readonly phone: string;
  /** The operator's INN from the numbering plan. */
  readonly operatorInn: string;
  /** Minor units credited to the phone (the fee is Tender's, not sent). */
  readonly amount: number;
  readonly currency: string;
}

/**
 * What the provider says about a top-up: `accepted` (the phone is credited), `rejected`
 * (final: nothing was credited; Tender refunds the buyer), `pending` (it will answer
 * later: Tender asks again with `inquire`).
 */
export type TopUpOutcome =
  | { readonly status: 'accepted'; readonly providerReference: string }
  | { readonly status: 'rejected'; readonly reason: string }
  | { readonly status: 'pending' };

/**
 * EXTENSION POINT: the mobile operator (or aggregator) a top-up is sent to.
 *
 * Tender calls `send` at most once per attempt and never blindly twice: when a send
 * timed out or the process died during it, Tender calls `inquire` with the same
 * reference, and sends again only when the provider answers `not_found`. A provider
 * must therefore (1) credit a reference at most once, answering a repeated `send`
 * with the first outcome, and (2) answer `inquire` from its own books. Both get an
 * `AbortSignal` that fires at Tender's timeout; a call that has not answered by
 * then counts as "unknown", never as rejected.
 *
 * @example
 * ```ts
 * const acme: TopUpProvider = {
 *   code: 'acme',
 *   async send(req, signal) {
 *     const res = await fetch('https://topup.acme.example/v1/payments', { method: 'POST', signal,
 *       headers: { 'Idempotency-Key': req.reference }, body: JSON.stringify({ msisdn: req.phone, amount: req.amount }) });
 *     const body = await res.json() as { state: string; id: string; reason?: string };
 *     return body.state === 'done' ? { status: 'accepted', providerReference: body.id }
 *       : body.state === 'refused' ? { status: 'rejected', reason: body.reason ?? 'refused' } : { status: 'pending' };
 *   },
 *   async inquire(reference, signal) {
 *     const res = await fetch(`https://topup.acme.example/v1/payments/${reference}`, { signal });
 *     if (res.status === 404) return { status: 'not_found' };
 *     ... // the same mapping as send
 *   },
 * };
 * export const plugin = createTopUpPlugin({ provider: () => acme });
 * ```
 */
export interface TopUpProvider {
  readonly code: string;
  send(request: TopUpRequest, signal: AbortSignal): Promise<TopUpOutcome>;
  inquire(reference: string, signal: AbortSignal): Promise<TopUpOutcome | { readonly status: 'not_found' }>;
}
