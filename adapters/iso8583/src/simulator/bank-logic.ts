import { IsoMessage } from '../packager/iso-message';
import { CardBook, SIMULATOR_ACCOUNTS, SIMULATOR_CARDS, SIMULATOR_CARDS_MERCHANT_INITIATED, SimTransaction, accountKey } from './card-book';
import { packPrivateData, unpackPrivateData } from '../packager/private-data';
import { checkCardOnFile, newNetworkReference } from './card-on-file-rules';

/** The answer fields for a request, or `silent` when the bank keeps quiet. */
export type BankAnswer = { readonly fields: Record<string, string> } | 'silent';

let authCounter = 0;

/**
 * What the simulated processing centre does with one request. Pure ledger logic:
 * transport, faults and persistence live in BankSimulator.
 */
export function process(book: CardBook, request: IsoMessage): BankAnswer {
  const f = (n: number): string => request.fields.get(n) ?? '';
  const reply = (code: string, extra: Record<string, string> = {}): BankAnswer => refusal(request, code, extra);
  const amount = Number(f(4));

  switch (request.mti) {
    case '0800':
      return reply('00');
    case '0100':
    case '0200': {
      if (f(3).startsWith('20')) {
        const answer = refund(book, book.byOriginalKey(f(90).slice(0, 20)) ?? book.byRrn(f(37)), amount, reply);
        if (answer !== 'silent' && answer.fields[39] === '00') book.addToBatch(f(41), f(49), 'credit', amount, 1);
        return answer;
      }
      if (request.fields.has(102) && !request.fields.has(2)) return debitAccount(book, request, amount, reply);
      return cardPayment(book, request, amount, reply);
    }
    case '0120':
      return standInAdvice(book, request, amount, reply);
    case '0220': {
      // With a PAN and no transaction behind its RRN: the advice of a purchase approved in stand-in.
      if (request.fields.has(2) && book.byRrn(f(37)) === undefined) return standInAdvice(book, request, amount, reply);
      const tx = book.byRrn(f(37));
      if (tx === undefined || tx.reversed) return reply('25');
      if (amount > tx.held) return reply('13');
      const account = book.account(tx.pan);
      account.available += tx.held - amount;
      account.held -= tx.held;
      account.charged += amount;
      tx.captured = amount;
      tx.held = 0;
      book.addToBatch(f(41), f(49), 'debit', amount, 1);
      return reply('00');
    }
    case '0400':
    case '0420': {
      const tx = book.byOriginalKey(f(90).slice(0, 20));
      // An unknown original is acknowledged too: there is nothing to undo.
      if (tx === undefined) return reply('25');
      if (!tx.reversed) {
        const account = book.account(tx.pan);
        const paid = tx.captured - tx.refunded;
        // Out of the batch it went into: the debit, and what was refunded of it.
        if (tx.captured > 0) book.addToBatch(tx.terminal ?? f(41), tx.currency ?? f(49), 'debit', -tx.captured, -1);
        if (tx.refunded > 0) book.addToBatch(tx.terminal ?? f(41), tx.currency ?? f(49), 'credit', -tx.refunded, 0);
        account.available += tx.held + paid;
        account.held -= tx.held;
        account.charged -= paid;
        tx.held = 0;
        tx.reversed = true;
      }
      return reply('00');
    }
    case '0500': {
      // Cut-over: compare the acquirer's batch totals with ours, answer ours, begin a new batch.
      const ours = book.batch(f(41), f(50), true);
      const theirs = { debits: Number(f(76)), debitAmount: Number(f(88)), credits: Number(f(74)), creditAmount: Number(f(86)) };
      const agree =
        ours.debits === theirs.debits &&
        ours.debitAmount === theirs.debitAmount &&
        ours.credits === theirs.credits &&
        ours.creditAmount === theirs.creditAmount;
      return refusal(request, agree ? '00' : '95', {
        50: f(50),
        74: String(ours.credits).padStart(10, '0'),
        76: String(ours.debits).padStart(10, '0'),
        86: String(ours.creditAmount).padStart(16, '0'),
        88: String(ours.debitAmount).padStart(16, '0'),
      });
    }
    default:
      // A message type this bank does not take: format error.
      return reply('30');
  }
}

/**
 * A card authorization (0100) or purchase (0200): card-not-present data, card on file
 * and account verification checked (card-on-file-rules.ts), then the card's behaviour,
 * expiry and balance. An approval carries a new network reference (`NR` in field 48)
 * that later merchant-initiated payments name in `OR`; an account verification holds
 * nothing. Every such request is recorded (`authorizations`).
 */
function cardPayment(book: CardBook, request: IsoMessage, amount: number, reply: (code: string, extra?: Record<string, string>) => BankAnswer): BankAnswer {
  const f = (n: number): string => request.fields.get(n) ?? '';
  const pan = f(2);
  // Card-not-present data must parse (48: tag, length, value), and a CVV2 said present must be 3 or 4 digits.
  const cnp = request.fields.has(48) ? unpackPrivateData(f(48)) : {};
  if (cnp === undefined || (cnp.CV !== undefined && !/^(?:9|1\d{3,4})$/.test(cnp.CV))) return reply('30');
  const onFile = checkCardOnFile(request.mti, amount, f(22), f(25), cnp);
  const record = (code: string, networkReference?: string): void =>
    book.recordAuthorization({
      mti: request.mti,
      stan: f(11),
      rrn: f(37),
      last4: pan.slice(-4),
      amount,
      posEntryMode: f(22),
      posCondition: f(25),
      cvv2: cnp.CV === undefined ? 'absent' : cnp.CV === '9' ? 'not_given' : 'present',
      threeDSecure: cnp.EC !== undefined || cnp.CA !== undefined,
      ...(onFile.ok && onFile.storedCredential !== undefined ? { storedCredential: onFile.storedCredential } : {}),
      verification: onFile.ok && onFile.verification,
      responseCode: code,
      ...(networkReference === undefined ? {} : { networkReference }),
    });
  const refuse = (code: string): BankAnswer => {
    record(code);
    return reply(code);
  };
  if (!onFile.ok) return refuse(onFile.code);
  const stored = onFile.storedCredential;
  // An original reference must be one this bank gave an approved payment with the same card.
  if (stored?.originalReference !== undefined && book.byNetworkReference(stored.originalReference)?.pan !== pan) return refuse('12');
  const merchantInitiated = stored?.initiator === 'merchant';
  const listed = (merchantInitiated ? SIMULATOR_CARDS_MERCHANT_INITIATED[pan] : undefined) ?? SIMULATOR_CARDS[pan] ?? '14';
  // An issuer asking for authentication (1A) is satisfied by a 3-D Secure result (a CAVV) in the request.
  const behaviour = listed === '1A' && cnp.CA !== undefined ? '00' : listed;
  if (behaviour !== '00' && behaviour !== 'silent') return refuse(behaviour);
  if (expired(f(14))) return refuse('54');
  const account = book.account(pan);
  if (account.available < amount) return refuse('51');
  const sale = request.mti === '0200';
  account.available -= amount;
  if (sale) account.charged += amount;
  else account.held += amount;
  const networkReference = newNetworkReference();
  book.add({
    rrn: f(37),
    pan,
    terminal: f(41),
    currency: f(49),
    originalKey: `${request.mti}${f(11)}${f(7)}`,
    amount,
    held: sale ? 0 : amount,
    captured: sale ? amount : 0,
    refunded: 0,
    reversed: false,
    networkReference,
  });
  if (sale) book.addToBatch(f(41), f(49), 'debit', amount, 1);
  record('00', networkReference);
  if (behaviour === 'silent') return 'silent';
  authCounter = (authCounter + 1) % 1_000_000;
  return reply('00', { 38: String(authCounter).padStart(6, '0'), 48: packPrivateData({ NR: networkReference }) ?? '' });
}

/**
 * An advice of what the acquirer approved in stand-in (0120 authorization, 0220
 * purchase): the bank cannot decline it, only record it, so the hold or charge is
 * applied whatever the balance, and acknowledged with 00.
 */
function standInAdvice(book: CardBook, request: IsoMessage, amount: number, reply: (code: string, extra?: Record<string, string>) => BankAnswer): BankAnswer {
  const f = (n: number): string => request.fields.get(n) ?? '';
  const sale = request.mti === '0220';
  const account = book.account(f(2));
  account.available -= amount;
  if (sale) account.charged += amount;
  else account.held += amount;
  const original = sale ? '0200' : '0100';
  book.add({
    rrn: f(37),
    pan: f(2),
    terminal: f(41),
    currency: f(49),
    originalKey: `${original}${f(11)}${f(7)}`,
    amount,
    held: sale ? 0 : amount,
    captured: sale ? amount : 0,
    refunded: 0,
    reversed: false,
  });
  if (sale) book.addToBatch(f(41), f(49), 'debit', amount, 1);
  return reply('00');
}

/** A debit (0200) or hold (0100) on a personal account named in field 102. */
function debitAccount(book: CardBook, request: IsoMessage, amount: number, reply: (code: string, extra?: Record<string, string>) => BankAnswer): BankAnswer {
  const f = (n: number): string => request.fields.get(n) ?? '';
  const known = SIMULATOR_ACCOUNTS[f(102)];
  if (known === undefined) return reply('14');
  if (known.blocked) return reply('62');
  if (known.currency !== f(49)) return reply('57');
  const key = accountKey(f(102));
  const account = book.account(key, known.balance);
  if (account.available < amount) return reply('51');
  const sale = request.mti === '0200';
  account.available -= amount;
  if (sale) account.charged += amount;
  else account.held += amount;
  book.add({
    rrn: f(37),
    pan: key,
    terminal: f(41),
    currency: f(49),
    originalKey: `${request.mti}${f(11)}${f(7)}`,
    amount,
    held: sale ? 0 : amount,
    captured: sale ? amount : 0,
    refunded: 0,
    reversed: false,
  });
  if (sale) book.addToBatch(f(41), f(49), 'debit', amount, 1);
  authCounter = (authCounter + 1) % 1_000_000;
  return reply('00', { 38: String(authCounter).padStart(6, '0') });
}

/** An answer echoing the request's matching fields with response code `code`. */
export function refusal(request: IsoMessage, code: string, extra: Record<string, string> = {}): { readonly fields: Record<string, string> } {
  const echo: Record<string, string> = {};
  for (const n of [3, 4, 7, 11, 12, 13, 37, 41, 42, 49, 70, 102]) {
    const value = request.fields.get(n);
    if (value !== undefined) echo[n] = value;
  }
  return { fields: { ...echo, ...extra, 39: code } };
}

/** A refund names its purchase in field 90 (its own RRN is its own). */
function refund(book: CardBook, tx: SimTransaction | undefined, amount: number, reply: (code: string) => BankAnswer): BankAnswer {
  if (tx === undefined || tx.reversed) return reply('25');
  if (amount > tx.captured - tx.refunded) return reply('13');
  const account = book.account(tx.pan);
  account.available += amount;
  account.charged -= amount;
  tx.refunded += amount;
  return reply('00');
}

function expired(yymm: string): boolean {
  if (!/^\d{4}$/.test(yymm)) return false;
  const now = new Date();
  const year = 2000 + Number(yymm.slice(0, 2));
  const month = Number(yymm.slice(2));
  return year < now.getUTCFullYear() || (year === now.getUTCFullYear() && month < now.getUTCMonth() + 1);
}
