import { OutboundResolver, ResolvedAddress, systemResolver } from '@tender/core';

/**
 * A DNS server under an attacker's control, as the gateway's outbound client sees it:
 * each name listed answers `first` to its first `firstAnswers` lookups (what the
 * registration check sees) and `then` afterwards (what the connection would use).
 * Other names go to the system resolver. Every lookup is recorded.
 */
export class RebindingResolver {
  readonly lookups: Array<{ hostname: string; answer: string }> = [];
  private readonly counts = new Map<string, number>();

  constructor(private readonly names: Record<string, { first: string; then: string; firstAnswers?: number }>) {}

  readonly resolve: OutboundResolver = async (hostname: string): Promise<readonly ResolvedAddress[]> => {
    const rule = this.names[hostname.toLowerCase()];
    if (rule === undefined) return systemResolver(hostname);
    const n = (this.counts.get(hostname) ?? 0) + 1;
    this.counts.set(hostname, n);
    const answer = n <= (rule.firstAnswers ?? 1) ? rule.first : rule.then;
    this.lookups.push({ hostname, answer });
    return [{ address: answer, family: answer.includes(':') ? 6 : 4 }];
  };

  /** How often `hostname` was looked up. */
  count(hostname: string): number {
    return this.counts.get(hostname) ?? 0;
  }
}
