import { z } from 'zod';
import { RiskInput, RiskRule, RiskSignal } from '../risk-rule';
import { ipMatcher, isIpOrRange } from '../ip-ranges';

const entriesSchema = z
  .object({
    /** Card fingerprints (as shown in the review queue), never card numbers. */
    cards: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'must be a card fingerprint (64 hex characters)')).max(5000),
    emails: z
      .array(
        z
          .string()
          .email()
          .max(320)
          .transform((e) => e.toLowerCase()),
      )
      .max(5000),
    ips: z.array(z.string().refine(isIpOrRange, 'must be an IPv4/IPv6 address or CIDR range')).max(5000),
    /** BIN prefixes of 4 to 6 digits (payments keep 6-digit BINs). */
    bins: z.array(z.string().regex(/^\d{4,6}$/, 'must be 4 to 6 digits')).max(5000),
  })
  .partial()
  .strict();

type Entries = z.output<typeof entriesSchema>;

export interface ListsSettings {
  readonly block: Entries;
  readonly allow: Entries;
}

/**
 * Block and allow lists for card fingerprints, e-mails, IPs (addresses and CIDR
 * ranges, IPv4 and IPv6) and BIN prefixes. A block match blocks whatever the
 * score; an allow match allows unless something blocks. The operator's and the
 * merchant's lists both apply (they are joined, not replaced).
 */
export class ListsRule implements RiskRule<ListsSettings> {
  readonly code = 'lists';
  readonly defaults: ListsSettings = { block: {}, allow: {} };
  readonly settingsSchema = z.object({ block: entriesSchema, allow: entriesSchema }).partial().strict();

  combine(operator: Partial<ListsSettings>, merchant: Partial<ListsSettings>): Partial<ListsSettings> {
    return { block: join(operator.block, merchant.block), allow: join(operator.allow, merchant.allow) };
  }

  async evaluate(input: RiskInput, s: ListsSettings): Promise<RiskSignal | undefined> {
    const blocked = matchOf(s.block, input);
    if (blocked !== undefined) return { score: 0, verdict: 'block', reason: `${blocked} is on the block list` };
    const allowed = matchOf(s.allow, input);
    if (allowed !== undefined) return { score: 0, verdict: 'allow', reason: `${allowed} is on the allow list` };
    return undefined;
  }
}

function matchOf(list: Entries, input: RiskInput): string | undefined {
  if (list.cards?.includes(input.card.fingerprint) === true) return 'the card';
  if (input.email !== undefined && list.emails?.includes(input.email) === true) return 'the e-mail';
  if (list.bins?.some((b) => input.card.bin.startsWith(b)) === true) return 'the BIN';
  if (input.ip !== undefined && list.ips !== undefined && list.ips.length > 0 && ipMatcher(list.ips)(input.ip)) return 'the IP';
  return undefined;
}

function join(a: Entries | undefined, b: Entries | undefined): Entries {
  const merged = (x: string[] | undefined, y: string[] | undefined): string[] => [...new Set([...(x ?? []), ...(y ?? [])])];
  return { cards: merged(a?.cards, b?.cards), emails: merged(a?.emails, b?.emails), ips: merged(a?.ips, b?.ips), bins: merged(a?.bins, b?.bins) };
}
