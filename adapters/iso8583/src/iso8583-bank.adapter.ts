import {
  AccountDebitRequest,
  AuthorizationRequest,
  BankAdapter,
  BankConnectionTerms,
  BankHealth,
  BankResult,
  ContractRequirement,
  FollowUpRequest,
  InquiryRequest,
  InquiryResult,
  RefundRequest,
  findCurrency,
} from '@tender/core';
import { IsoJournal, JournalEntry } from './journal/iso-journal';
import { ConnectionPool } from './link/connection-pool';
import { IsoConnection } from './link/iso-connection';
import { LinkError, LinkLog, SILENT_LOG } from './link/link-log';
import { IsoPackager } from './packager/iso-packager';
import { DIALECTS } from './packager/dialects';
import { IsoMessage, isoMessage } from './packager/iso-message';
import { resultOf } from './response-codes';
import { Iso8583Options, acceptorLocation, timingOf } from './iso8583-options';
import { packPrivateData, unpackPrivateData } from './packager/private-data';
import { POS_CONDITION_ACCOUNT_VERIFICATION, POS_CONDITION_ECOMMERCE, fitsOriginalReference, posEntryMode, storedCredentialIndicator } from './card-on-file';
import { PackagerDefinition } from './packager/field-definition';
import { Sealer } from './security/sealer';
import { isTimeZone, localTime, transmissionTime } from './journal/message-times';

type Answered = Exclude<BankResult, { kind: 'unknown' }>;

interface Totals {
  readonly debits: number;
  readonly debitAmount: number;
  readonly credits: number;
  readonly creditAmount: number;
}

/** One terminal's cut-over: the journal's totals, the host's, and whether the host agreed (0510 39=00). */
export interface CutoverResult {
  readonly terminalId: string;
  readonly currency: string;
  readonly agreed: boolean;
  readonly tender: Totals;
  readonly host: Totals;
}

/**
 * A processing centre over ISO 8583:1987 (TCP, 2-byte length header).
 *
 * Messages: authorization 0100, purchase 0200 (processing code 00), capture as a
 * completion advice 0220, void as a reversal 0400, refund as 0200 with processing
 * code 20 naming the original by RRN (field 37) and field 90, so no PAN is needed
 * again. Every request is written to the journal before it is sent; a retry of the
 * same reference is a retransmission with the same STAN, which the bank answers
 * once. A request left unanswered at its deadline is reversed (0400, field 90),
 * and the reversal is repeated (0420, then 0421) until the bank approves it (39=00):
 * until then the outcome is `unknown`, afterwards a `technical_failure` nobody was
 * charged for. A reversal the bank refuses stays open and is repeated; after
 * `reversalAlertAfter` refusals the operator is alerted.
 *
 * @example
 * ```ts
 * ctx.registerBankAdapter(new Iso8583BankAdapter({ host: '10.0.0.5', port: 8583, database: ctx.container.resolve(DATABASE) }));
 * ```
 */
export class Iso8583BankAdapter implements BankAdapter {
  readonly code: string;
  readonly refundNeedsCard = false;
  private readonly pool: ConnectionPool;
  private readonly journal: IsoJournal;
  private readonly log: LinkLog;
  private repeatTimer: NodeJS.Timeout | undefined;
  private readonly panSealer: Sealer | undefined;
  private readonly timeZone: string;
  private readonly dialect: PackagerDefinition;
  /** The field card-not-present and card-on-file data go in (the dialect's `privateField`, 48 by default). */
  private readonly privateField: number;
  /** Fields 18 and 43, the same in every authorization of this processing centre. */
  private readonly acceptorFields: { readonly 18: string; readonly 43: string };

  constructor(private readonly options: Iso8583Options) {
    this.code = options.code ?? 'iso8583';
    const dialect = DIALECTS[options.dialect ?? 'iso8583-1987-ascii'];
    if (dialect === undefined) throw new Error(`unknown ISO 8583 dialect '${options.dialect ?? ''}' (known: ${Object.keys(DIALECTS).join(', ')})`);
    this.dialect = dialect;
    this.privateField = dialect.privateField ?? 48;
    const mcc = options.merchantCategoryCode ?? '5999';
    if (!/^\d{4}$/.test(mcc)) throw new Error('the merchant category code (field 18) is 4 digits');
    this.acceptorFields = { 18: mcc, 43: acceptorLocation(options.acceptor ?? { name: 'TENDER', city: 'INTERNET', country: 'RU' }) };
    this.log = options.log ?? SILENT_LOG;
    const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!isTimeZone(timeZone)) throw new Error(`unknown time zone '${timeZone}' for ISO 8583 fields 12/13`);
    if (options.zoneMasterKey !== undefined && !/^[0-9A-Fa-f]{32}$/.test(options.zoneMasterKey))
      throw new Error('the zone master key is 32 hex digits (double-length triple DES)');
    if (options.acquirerId !== undefined && !/^\d{1,11}$/.test(options.acquirerId)) throw new Error('the ISO 8583 acquirer id (field 32) is 1 to 11 digits');
    this.timeZone = timeZone;
    this.journal = new IsoJournal(options.database, options.now, undefined, timeZone, this.code);
    this.panSealer = options.keyRing === undefined ? undefined : new Sealer(options.keyRing, 'tender/iso8583-journal-pan/v1');
    this.pool = new ConnectionPool(options.poolSize ?? 2, {
      host: options.host,
      port: options.port,
      packager: new IsoPackager(dialect),
      log: this.log,
      nextStan: () => this.journal.nextStan(),
      ...(options.acquirerId === undefined ? {} : { institutionId: options.acquirerId }),
      ...(options.zoneMasterKey === undefined ? {} : { zoneMasterKey: Buffer.from(options.zoneMasterKey, 'hex') }),
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      echoIntervalMs: options.echoIntervalMs ?? 30_000,
      signOnTimeoutMs: options.reversalDeadlineMs ?? 5_000,
      reconnectInitialMs: options.reconnectInitialMs ?? 200,
      reconnectMaxMs: options.reconnectMaxMs ?? 30_000,
    });
  }

  async init(): Promise<void> {
    this.pool.start();
    await this.pool.waitReady(timingOf(this.options).reversalDeadlineMs);
    this.repeatTimer = setInterval(() => void this.repeatReversals(), timingOf(this.options).reversalRepeatMs);
    this.repeatTimer.unref();
  }

  async destroy(): Promise<void> {
    clearInterval(this.repeatTimer);
    await this.pool.close();
  }

  /**
   * A card authorization (0100) or purchase (0200). Card on file: a stored credential
   * used again goes as credential on file (22 = 102) and the private field says who
   * initiated it and why (`SC`) and names the first payment's network reference
   * (`OR`); a merchant-initiated one carries no CVV2 and no 3-D Secure data. A
   * verification is an account verification: 0100 with a zero amount and 25 = 51,
   * nothing held, so its void needs no reversal at the host.
   */
  async authorize(request: AuthorizationRequest): Promise<BankResult> {
    const verification = request.verification === true;
    const mti = request.capture && !verification ? '0200' : '0100';
    const amount = verification ? 0 : request.amount;
    const card = request.card;
    const stored = card.storedCredential;
    const merchantInitiated = stored?.initiator === 'merchant';
    if (stored?.originalReference !== undefined && !fitsOriginalReference(stored.originalReference)) {
      return {
        kind: 'declined',
        reason: 'do_not_honor',
        rawCode: '30',
        message: "The stored credential's original network reference does not fit the private field (1-40 printable characters); nothing was sent.",
      };
    }
    const sealed = this.panSealer?.seal(card.number, request.reference);
    const entry = await this.journal.open(
      request.reference,
      request.paymentId,
      mti,
      termsFrom(request.connection, undefined),
      amount,
      numericCurrency(request.currency),
      { processingCode: '000000', ...(sealed === undefined ? {} : { panSealed: sealed }) },
    );
    const settled = settledAnswer(entry);
    if (settled !== undefined) return settled;
    // Card not present: entry mode (22: e-commerce 812, or credential on file 102) and
    // condition (25: e-commerce 59, or account verification 51), the acceptor (18, 43),
    // and in the dialect's private field the CVV2 presence (and value, only on the first
    // authorization: it is never stored), the 3-D Secure ECI/CAVV and the stored credential.
    // A merchant-initiated payment has no cardholder to give a CVV2 or to authenticate.
    const auth = merchantInitiated ? undefined : request.authentication;
    const fields = {
      ...this.common(entry, amount, request.currency),
      ...this.acceptorFields,
      2: card.number,
      3: '000000',
      14: `${String(card.expYear % 100).padStart(2, '0')}${String(card.expMonth).padStart(2, '0')}`,
      22: posEntryMode(stored),
      25: verification ? POS_CONDITION_ACCOUNT_VERIFICATION : POS_CONDITION_ECOMMERCE,
      [this.privateField]: packPrivateData({
        CV: merchantInitiated ? undefined : card.cvc === undefined ? '9' : `1${card.cvc}`,
        EC: auth?.eci,
        CA: auth?.authenticationValue,
        SC: stored === undefined ? undefined : storedCredentialIndicator(stored),
        OR: stored?.originalReference,
      }),
    };
    // Stand-in only for what a cardholder started: the issuer alone can verify an account, and a merchant-initiated charge can wait.
    return this.exchange(entry, isoMessage(sendingMti(entry, mti), fields), true, !verification && !merchantInitiated);
  }

  /**
   * Debits a payer's account at this bank: 0100 (hold) or 0200 (debit) with the
   * account in field 102 and the dialect's account processing code, no card fields.
   * Its capture, void, refund and inquiry are the card operations, which find the
   * account in the journal.
   */
  async debitAccount(request: AccountDebitRequest): Promise<BankResult> {
    const mti = request.capture ? '0200' : '0100';
    const account = request.account.number;
    if (!/^[\x21-\x7e]{1,28}$/.test(account))
      return { kind: 'declined', reason: 'invalid_card', rawCode: '14', message: 'The account number does not fit field 102.' };
    const entry = await this.journal.open(
      request.reference,
      request.paymentId,
      mti,
      termsFrom(request.connection, undefined),
      request.amount,
      numericCurrency(request.currency),
      { account, processingCode: this.accountCode() },
    );
    const settled = settledAnswer(entry);
    if (settled !== undefined) return settled;
    const fields = { ...this.common(entry, request.amount, request.currency), ...this.acceptorFields, 3: this.accountCode(), 25: '59', 102: account };
    return this.exchange(entry, isoMessage(sendingMti(entry, mti), fields), true);
  }

  private accountCode(): string {
    return this.dialect.accountProcessingCode ?? '002000';
  }

  /** A completion advice naming the authorization by its RRN (37), approval code (38) and field 90. */
  async capture(request: FollowUpRequest): Promise<BankResult> {
    const original = await this.journal.find(request.original.reference);
    if (original !== undefined && isAccountVerification(original)) {
      return {
        kind: 'declined',
        reason: 'do_not_honor',
        rawCode: '12',
        message: 'An account verification holds no money and cannot be captured; nothing was sent.',
      };
    }
    return this.followUp(request, '0220', '000000', (original) => ({ 37: original.rrn, ...this.accountFields(original, false) }));
  }

  /**
   * A reversal requested by the merchant: the authorization's RRN, its PAN, reason 17
   * (customer cancellation). An approved account verification held nothing, so its void
   * is approved here without a 0400: there is nothing at the host to release.
   */
  async void(request: FollowUpRequest): Promise<BankResult> {
    const original = await this.journal.find(request.original.reference);
    if (original !== undefined && isAccountVerification(original)) {
      return { kind: 'approved', authorizationCode: request.original.authorizationCode, rrn: original.rrn, bankReference: original.rrn };
    }
    return this.followUp(request, '0400', '000000', (original) => ({
      2: this.panOf(original),
      37: original.rrn,
      39: '17',
      ...this.accountFields(original, false),
    }));
  }

  /** A refund is a transaction of its own: its own RRN, the PAN again, the purchase named in field 90. */
  async refund(request: RefundRequest): Promise<BankResult> {
    return this.followUp(request, '0200', '200000', (original) => ({
      2: original.account === undefined ? (request.card?.number ?? this.panOf(original)) : undefined,
      ...this.accountFields(original, true),
    }));
  }

  async inquire(request: InquiryRequest): Promise<InquiryResult> {
    const entry = await this.journal.find(request.reference);
    if (entry === undefined || entry.state === 'unsent') return { kind: 'not_found', message: 'This reference was never sent to the bank.' };
    if ((entry.state === 'answered' || entry.state === 'reversed' || entry.state === 'advice_pending') && entry.answer !== undefined) return entry.answer;
    // Sent but never answered (or its reversal not yet acknowledged): reverse it, so the outcome is definite and nobody is charged.
    return this.reverse(entry);
  }

  /** Healthy when an echo (0800/301) is answered; its round trip is the latency. */
  async health(): Promise<BankHealth> {
    const ready = this.pool.readyCount;
    const latencyMs = await this.pool.echoLatency(timingOf(this.options).reversalDeadlineMs);
    const where = `${this.options.host}:${this.options.port}`;
    if (latencyMs === undefined) return { ok: false, latencyMs: undefined, detail: `no echo answered by ${where} (${ready} signed-on connection(s))` };
    return { ok: true, latencyMs, detail: `${ready} signed-on ISO 8583 connection(s) to ${where}` };
  }

  contractRequirements(): readonly ContractRequirement[] {
    return [
      { code: 'acquiring_agreement', title: 'Acquiring agreement', description: "The bank's internet acquiring agreement, signed by the merchant." },
      {
        code: 'terminal_registration',
        title: 'Terminal registration',
        description: "The processing centre's terminal id (field 41) and merchant id (field 42) issued for the shop.",
      },
    ];
  }

  /** Fields 3 and 102 of a follow-up of an account debit (none for cards); a refund credits the same account type. */
  private accountFields(original: JournalEntry, refund: boolean): Record<number, string> {
    if (original.account === undefined) return {};
    const code = this.accountCode();
    return { 3: refund ? `2000${code.slice(2, 4)}` : code, 102: original.account };
  }

  /** The authorization's PAN from the journal, when the key ring sealed it there. */
  private panOf(original: JournalEntry): string | undefined {
    return original.panSealed === undefined ? undefined : this.panSealer?.open(original.panSealed, original.reference);
  }

  /** Captures, voids and refunds: one message naming the original by field 90 (plus `own` fields per operation). */
  private async followUp(
    request: FollowUpRequest,
    mti: string,
    processingCode: string,
    own: (original: JournalEntry) => Record<number, string | undefined>,
  ): Promise<BankResult> {
    const original = await this.journal.find(request.original.reference);
    if (original === undefined)
      return { kind: 'declined', reason: 'do_not_honor', rawCode: '25', message: 'The original authorization is unknown to this adapter.' };
    // Live follow-ups may come without terms: they belong to the authorization's terminal.
    const ownFields = own(original);
    const entry = await this.journal.open(
      request.reference,
      request.paymentId,
      mti,
      termsFrom(request.connection, original),
      request.amount,
      numericCurrency(request.currency),
      { processingCode: ownFields[3] ?? processingCode },
    );
    const settled = settledAnswer(entry);
    if (settled !== undefined) return settled;
    const fields = {
      ...this.common(entry, request.amount, request.currency),
      3: processingCode,
      38: request.original.authorizationCode,
      90: this.originalData(original),
      ...ownFields,
    };
    // A follow-up that goes unanswered is simply sent again by the reconciler (same STAN).
    return this.exchange(entry, isoMessage(sendingMti(entry, mti), fields), false);
  }

  /** `standIn`: a card request that may be approved in stand-in when it cannot be sent (see standIn). */
  private async exchange(entry: JournalEntry, message: IsoMessage, reverseOnTimeout: boolean, standIn = false): Promise<BankResult> {
    const connection = this.pool.pick();
    let answer: IsoMessage;
    try {
      answer = (await this.pool.request(message, timingOf(this.options).deadlineMs, connection)).answer;
    } catch (error) {
      if (!(error instanceof LinkError)) throw error;
      if (!error.sent) {
        const approvedInStandIn = standIn ? await this.standIn(entry, message) : undefined;
        if (approvedInStandIn !== undefined) return approvedInStandIn;
        await this.journal.setState(entry.reference, 'unsent');
        return {
          kind: 'technical_failure',
          reason: 'bank_unreachable',
          rawCode: undefined,
          message: 'No connection to the processing centre; nothing was sent.',
        };
      }
      if (!reverseOnTimeout) return { kind: 'unknown', message: `No answer from the processing centre (${error.reason}).` };
      return this.reverse(entry, connection);
    }
    // As the journal will give it back to a retry (no undefined members), so both answers are equal.
    const result = JSON.parse(
      JSON.stringify(resultOf(answer.fields.get(39), answer.fields.get(38), answer.fields.get(37) ?? entry.rrn, this.networkReferenceIn(answer))),
    ) as BankResult;
    await this.journal.setState(entry.reference, 'answered', { answer: result });
    return result;
  }

  /** The network's reference of an approved card payment (`NR` in the answer's private field), for stored credentials. */
  private networkReferenceIn(answer: IsoMessage): string | undefined {
    const data = answer.fields.get(this.privateField);
    // A private field this adapter cannot read (some hosts put other data there) just has no reference.
    const reference = data === undefined ? undefined : unpackPrivateData(data)?.NR;
    return reference !== undefined && fitsOriginalReference(reference) ? reference : undefined;
  }

  /**
   * Approves in stand-in when the centre is unreachable (nothing was sent), for a card
   * authorization or purchase up to `standInFloorLimit`: the answer is an approval with
   * a stand-in approval code (`S` + STAN), and the advice (0120 for an authorization,
   * 0220 for a purchase) is sealed in the journal to be forwarded once the link is up.
   */
  private async standIn(entry: JournalEntry, message: IsoMessage): Promise<BankResult | undefined> {
    const limit = this.options.standInFloorLimit;
    if (limit === undefined || this.panSealer === undefined || entry.amount > limit) return undefined;
    if ((message.mti !== '0100' && message.mti !== '0200') || message.fields.get(3) !== '000000' || !message.fields.has(2)) return undefined;
    const approved: BankResult = { kind: 'approved', authorizationCode: `S${entry.stan.slice(-5)}`, rrn: entry.rrn, bankReference: entry.rrn };
    const advice: Record<string, string> = {};
    // The advice repeats the request with the stand-in's answer; of the private field it
    // keeps the 3-D Secure and stored-credential tags, never the CVV2.
    for (const [f, v] of message.fields) if (f !== this.privateField) advice[String(f)] = v;
    const kept = packPrivateData({ ...unpackPrivateData(message.fields.get(this.privateField) ?? ''), CV: undefined });
    if (kept !== undefined) advice[String(this.privateField)] = kept;
    advice['38'] = approved.authorizationCode ?? '';
    advice['39'] = '00';
    const sealed = this.panSealer.seal(JSON.stringify({ mti: message.mti === '0100' ? '0120' : '0220', fields: advice }), entry.reference);
    await this.journal.setState(entry.reference, 'advice_pending', { answer: approved, adviceSealed: sealed });
    this.log.warn({ reference: entry.reference, amount: entry.amount }, 'ISO 8583 centre unreachable: approved in stand-in; the advice is forwarded later');
    return approved;
  }

  /** Forwards stand-in advices (0120/0220 the first time, 0121/0221 after) until the centre acknowledges them. */
  private async forwardAdvices(): Promise<number> {
    let done = 0;
    try {
      for (const entry of await this.journal.listAdvicesPending()) {
        const opened = entry.adviceSealed === undefined ? undefined : this.panSealer?.open(entry.adviceSealed, entry.reference);
        if (opened === undefined) continue;
        const advice = JSON.parse(opened) as { mti: string; fields: Record<string, string> };
        const mti = entry.reversalTries === 0 ? advice.mti : `${advice.mti.slice(0, 3)}1`;
        await this.journal.setState(entry.reference, 'advice_pending', { reversalTries: entry.reversalTries + 1 });
        try {
          const { answer } = await this.pool.request(isoMessage(mti, advice.fields), timingOf(this.options).reversalDeadlineMs);
          if (answer.fields.get(39) !== '00') {
            this.log.warn({ reference: entry.reference, code: answer.fields.get(39) }, 'ISO 8583 stand-in advice not accepted; repeated');
            continue;
          }
          await this.journal.setState(entry.reference, 'answered');
          done++;
        } catch (error) {
          if (!(error instanceof LinkError)) throw error;
        }
      }
    } catch (error) {
      this.log.error({ error: error instanceof Error ? error.message : String(error) }, 'forwarding ISO 8583 advices failed');
    }
    return done;
  }

  /**
   * Reverses a request left unanswered: 0400 the first time, 0420 the second, 0421
   * on every later repeat. Only an approval (39=00, or 25: the bank never saw the
   * original, so nothing is held) makes the outcome definite; a refusal leaves the
   * operation open, to be repeated, and alerts the operator once it was refused
   * `reversalAlertAfter` times.
   */
  private async reverse(entry: JournalEntry, via?: IsoConnection): Promise<BankResult> {
    const tries = entry.reversalTries;
    const stan = entry.reversalStan ?? (await this.journal.nextStan());
    const at = entry.reversalAt ?? (this.options.now ?? Date.now)();
    await this.journal.setState(entry.reference, 'reversal_pending', { reversalStan: stan, reversalAt: at, reversalTries: tries + 1 });
    const mti = tries === 0 ? '0400' : tries === 1 ? '0420' : '0421';
    // The reversal is a message of its own: its own times (7/12/13), the original's RRN
    // and PAN, the reason (39 = 68, response received too late) and field 90.
    const local = localTime(at, this.timeZone);
    const fields = {
      ...this.common({ ...entry, stan, transmitted: transmissionTime(at), localTime: local.time, localDate: local.date }, entry.amount, entry.currency),
      2: this.panOf(entry),
      3: '000000',
      37: entry.rrn,
      39: '68',
      ...this.accountFields(entry, false),
      90: this.originalData(entry),
    };
    let code: string | undefined;
    try {
      const { answer: ack } = await this.pool.request(isoMessage(mti, fields), timingOf(this.options).reversalDeadlineMs, via);
      code = ack.fields.get(39);
    } catch (error) {
      if (!(error instanceof LinkError)) throw error;
      return { kind: 'unknown', message: 'The bank did not answer and the reversal is not acknowledged yet; it is repeated until it is.' };
    }
    if (code === '00' || code === '25') {
      const reversed: Answered = {
        kind: 'technical_failure',
        reason: 'bank_unreachable',
        rawCode: code,
        message: 'The bank did not answer in time; the request was reversed, nothing was charged.',
      };
      await this.journal.setState(entry.reference, 'reversed', { answer: reversed, reversalCode: code });
      return reversed;
    }
    const refused = code ?? 'none';
    await this.journal.setState(entry.reference, 'reversal_pending', { reversalCode: refused });
    this.log.warn({ reference: entry.reference, mti, code: refused, tries: tries + 1 }, 'ISO 8583 reversal refused; it stays open and is repeated');
    if (tries + 1 >= timingOf(this.options).reversalAlertAfter && entry.paymentId !== undefined) {
      await this.options.alerts
        ?.raise({
          kind: 'reversal_refused',
          reference: entry.reference,
          paymentId: entry.paymentId,
          summary: `The processing centre refused the reversal of ${entry.amount} (ISO 4217 ${entry.currency}) ${tries + 1} times (last response code ${refused}); the cardholder's money may still be held. Tender keeps repeating it (0421).`,
        })
        .catch((error: unknown) => this.log.error({ error: error instanceof Error ? error.message : String(error) }, 'raising an operator alert failed'));
    }
    return { kind: 'unknown', message: `The bank refused the reversal (response code ${refused}); it stays open and is repeated until approved.` };
  }

  /**
   * Cut-over: for each terminal and currency with approved money movements since the
   * last one, a 0500 with the journal's batch totals (74/76 credits and debits
   * counted, 86/88 their amounts, 97 the net); the host answers 0510 with its own
   * totals and 39=00 when they agree (the rows are then marked with the batch), 95
   * when they do not (nothing is marked; the difference is logged and returned).
   */
  async cutover(): Promise<CutoverResult[]> {
    const results: CutoverResult[] = [];
    for (const batch of await this.journal.openBatches()) {
      const stan = await this.journal.nextStan();
      const at = (this.options.now ?? Date.now)();
      const net = batch.debitAmount - batch.creditAmount;
      const fields = {
        7: transmissionTime(at),
        11: stan,
        15: localTime(at, this.timeZone).date,
        32: this.options.acquirerId,
        41: batch.terminalId,
        42: batch.bankMerchantId.padEnd(15, ' '),
        50: batch.currency,
        74: String(batch.credits).padStart(10, '0'),
        76: String(batch.debits).padStart(10, '0'),
        86: String(batch.creditAmount).padStart(16, '0'),
        88: String(batch.debitAmount).padStart(16, '0'),
        97: `${net < 0 ? 'D' : 'C'}${String(Math.abs(net)).padStart(16, '0')}`,
      };
      const { answer } = await this.pool.request(isoMessage('0500', fields), timingOf(this.options).deadlineMs);
      const host = {
        debits: Number(answer.fields.get(76) ?? NaN),
        debitAmount: Number(answer.fields.get(88) ?? NaN),
        credits: Number(answer.fields.get(74) ?? NaN),
        creditAmount: Number(answer.fields.get(86) ?? NaN),
      };
      const agreed = answer.fields.get(39) === '00';
      if (agreed) await this.journal.closeBatch(`${this.code}:${stan}:${fields[7]}`, batch.references);
      else
        this.log.warn(
          {
            terminal: batch.terminalId,
            currency: batch.currency,
            tender: { debits: batch.debits, debitAmount: batch.debitAmount, credits: batch.credits, creditAmount: batch.creditAmount },
            host,
          },
          'ISO 8583 cut-over: batch totals disagree',
        );
      results.push({
        terminalId: batch.terminalId,
        currency: batch.currency,
        agreed,
        tender: { debits: batch.debits, debitAmount: batch.debitAmount, credits: batch.credits, creditAmount: batch.creditAmount },
        host,
      });
    }
    return results;
  }

  /** Repeats unacknowledged or refused reversals (0420, 0421) in the background. */
  async repeatReversals(): Promise<number> {
    let done = await this.forwardAdvices();
    try {
      for (const entry of await this.journal.listReversalsPending()) {
        const result = await this.reverse(entry);
        if (result.kind !== 'unknown') done++;
      }
    } catch (error) {
      this.log.error({ error: error instanceof Error ? error.message : String(error) }, 'repeating ISO 8583 reversals failed');
    }
    return done;
  }

  private common(
    entry: Pick<JournalEntry, 'stan' | 'rrn' | 'transmitted' | 'localTime' | 'localDate' | 'terminalId' | 'bankMerchantId'>,
    amount: number,
    currency: string,
  ): Record<number, string | undefined> {
    const numeric = numericCurrency(currency);
    return {
      4: String(amount).padStart(12, '0'),
      7: entry.transmitted,
      11: entry.stan,
      12: entry.localTime,
      13: entry.localDate,
      32: this.options.acquirerId,
      37: entry.rrn,
      41: entry.terminalId,
      42: entry.bankMerchantId.padEnd(15, ' '),
      49: numeric,
    };
  }

  /** Field 90: original MTI, STAN, transmission date-time, acquirer and forwarding institution ids. */
  private originalData(original: JournalEntry): string {
    const acquirer = (this.options.acquirerId ?? '0').padStart(11, '0');
    return `${original.mti}${original.stan}${original.transmitted}${acquirer}${'0'.repeat(11)}`;
  }
}

function numericCurrency(currency: string): string {
  if (/^\d{3}$/.test(currency)) return currency;
  const numeric = findCurrency(currency)?.numeric;
  if (numeric === undefined) throw new Error(`currency ${currency} has no ISO 4217 numeric code`);
  return numeric;
}

function termsFrom(terms: BankConnectionTerms, original: JournalEntry | undefined): { terminalId: string; bankMerchantId: string } {
  const terminalId = terms.terminalId ?? original?.terminalId;
  if (terminalId === undefined || terminalId === '') throw new Error('an ISO 8583 connection needs a terminal id');
  return { terminalId, bankMerchantId: terms.bankMerchantId ?? original?.bankMerchantId ?? '' };
}

/**
 * The MTI to send: the original's the first time (or when it was never written to
 * the link), its repeat (0101, 0201, 0221, 0401, 0421) when the same message may
 * already have reached the bank, so the bank treats it as a retransmission.
 */
export function sendingMti(entry: { readonly fresh: boolean; readonly state: string }, mti: string): string {
  return entry.fresh || entry.state === 'unsent' ? mti : `${mti.slice(0, 3)}1`;
}

/**
 * An approved account verification (a card 0100 sent with a zero amount): the host
 * verified the card and holds nothing. Any other state (unanswered, being reversed)
 * goes through the normal void, which settles it at the host.
 */
function isAccountVerification(entry: JournalEntry): boolean {
  return entry.mti === '0100' && entry.amount === 0 && entry.account === undefined && entry.state === 'answered' && entry.answer?.kind === 'approved';
}

/** What the journal already knows for a reference, so a retry never reaches the bank twice. */
function settledAnswer(entry: JournalEntry): BankResult | undefined {
  if (entry.state === 'answered' || entry.state === 'reversed' || entry.state === 'advice_pending') return entry.answer;
  if (entry.state === 'reversal_pending') return { kind: 'unknown', message: "A reversal of this request is waiting for the bank's approval." };
  return undefined;
}
