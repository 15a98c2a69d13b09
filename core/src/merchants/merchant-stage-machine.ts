import { ErrorCode } from '../errors/error-catalogue';
import { TenderError } from '../errors/tender-error';

/**
 * The onboarding stages of a merchant and every move between them. Nothing changes
 * a merchant's stage except through `assertStageTransition`, and every move
 * announces itself with the event `merchant.<event>` (webhook + e-mail).
 *
 * ```
 * applied ──register──> registered ──choose bank──> bank_chosen ──record contract──> contract_signed ──go live──> live
 * (test mode)                                        │  ▲ choose another bank
 *                                                    └──┘
 * any stage ──suspend──> suspended ──resume──> the stage it was suspended in
 * ```
 *
 * @example
 * ```ts
 * canMoveStage('contract_signed', 'live'); // true
 * assertStageTransition('registered', 'live'); // throws TenderError contract_not_signed (409)
 * ```
 */
export const MERCHANT_STAGES = ['applied', 'registered', 'bank_chosen', 'contract_signed', 'live', 'suspended'] as const;

export type MerchantStage = (typeof MERCHANT_STAGES)[number];

/** Stages a suspension can interrupt, and so the ones `resume` can return to. */
export type ActiveStage = Exclude<MerchantStage, 'suspended'>;

const TRANSITIONS: Readonly<Record<MerchantStage, readonly MerchantStage[]>> = {
  applied: ['registered', 'suspended'],
  registered: ['bank_chosen', 'suspended'],
  // Until the contract is signed the merchant may change its mind about the bank.
  bank_chosen: ['bank_chosen', 'contract_signed', 'suspended'],
  contract_signed: ['live', 'suspended'],
  live: ['suspended'],
  // Nothing moves a suspended merchant on: only `resume`, which returns it to the
  // stage recorded at suspension (OnboardingService.resume), not a move of its own.
  suspended: [],
};

/** The event type announcing arrival in a stage. */
const EVENTS: Readonly<Record<MerchantStage, string>> = {
  applied: 'merchant.application_submitted',
  registered: 'merchant.registered',
  bank_chosen: 'merchant.bank_chosen',
  contract_signed: 'merchant.contract_signed',
  live: 'merchant.live',
  suspended: 'merchant.suspended',
};

export function isMerchantStage(value: string): value is MerchantStage {
  return (MERCHANT_STAGES as readonly string[]).includes(value);
}

export function canMoveStage(from: MerchantStage, to: MerchantStage): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * Refuses a move the machine forbids, with the most specific code: going live
 * without a signed contract is `contract_not_signed`, anything on a suspended
 * merchant is `merchant_suspended`, the rest `merchant_invalid_stage`.
 */
export function assertStageTransition(from: MerchantStage, to: MerchantStage, operation = `move to ${to}`): void {
  if (canMoveStage(from, to)) return;
  let code: ErrorCode = 'merchant_invalid_stage';
  if (from === 'suspended') code = 'merchant_suspended';
  else if (to === 'live' && from !== 'live') code = 'contract_not_signed';
  throw new TenderError(code, { message: `Cannot ${operation}: the merchant is in stage ${from}.` });
}

export function stageEventType(to: MerchantStage): string {
  return EVENTS[to];
}
