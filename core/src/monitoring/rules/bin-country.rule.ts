import { z } from 'zod';
import { RiskInput, RiskRule, RiskSignal } from '../risk-rule';
import { ipMatcher, isIpOrRange } from '../ip-ranges';

const country = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 country code');

export interface BinCountrySettings {
  /** BIN prefix (4 to 6 digits) -> issuing country; the longest matching prefix wins. */
  readonly bins: Readonly<Record<string, string>>;
  /** IP address or CIDR range -> country, as the operator maps them; ranges should not overlap (the first country listed whose ranges contain the IP wins). */
  readonly ips: Readonly<Record<string, string>>;
  readonly score: number;
}

/**
 * The card's issuing country (by BIN) differs from the country of the buyer's IP.
 * Both mappings come from the operator's settings (docs/risk-bin-country.sample.json
 * is a small example); Tender never looks anything up over the network. Says
 * nothing when either side is unknown.
 */
export class BinCountryRule implements RiskRule<BinCountrySettings> {
  readonly code = 'bin_country';
  readonly defaults: BinCountrySettings = { bins: {}, ips: {}, score: 30 };
  readonly settingsSchema = z
    .object({
      bins: z.record(z.string().regex(/^\d{4,6}$/, 'BIN prefixes are 4 to 6 digits'), country),
      ips: z.record(z.string().refine(isIpOrRange, 'must be an IPv4/IPv6 address or CIDR range'), country),
      score: z.number().int().min(-10000).max(10000),
    })
    .partial()
    .strict();

  async evaluate(input: RiskInput, s: BinCountrySettings): Promise<RiskSignal | undefined> {
    if (input.ip === undefined) return undefined;
    const binCountry = Object.entries(s.bins)
      .filter(([prefix]) => input.card.bin.startsWith(prefix))
      .sort(([a], [b]) => b.length - a.length)[0]?.[1];
    if (binCountry === undefined) return undefined;
    const ip = input.ip;
    const rangesByCountry = new Map<string, string[]>();
    for (const [range, c] of Object.entries(s.ips)) rangesByCountry.set(c, [...(rangesByCountry.get(c) ?? []), range]);
    const ipCountry = [...rangesByCountry].find(([, ranges]) => ipMatcher(ranges)(ip))?.[0];
    if (ipCountry === undefined || ipCountry === binCountry) return undefined;
    return { score: s.score, reason: `card issued in ${binCountry}, buyer IP in ${ipCountry}` };
  }
}
