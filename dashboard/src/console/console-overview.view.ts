import { formatAmount } from '@tender/core';
import { PeriodFigures } from '../home/period-figures';
import { ConsoleOverview } from './console-overview.service';
import { utc } from './console-page';

/** Basis points as a locale percentage ('—' when nothing was decided). */
function percent(bp: number | undefined, locale: string): string {
  return bp === undefined ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(bp / 10_000);
}

function figures(p: PeriodFigures, locale: string) {
  return {
    count: p.count,
    approval: percent(p.approvalBasisPoints, locale),
    volumes: p.currencies
      .filter((c) => c.volume > 0 || c.approved > 0)
      .map((c) => ({ currency: c.currency, text: formatAmount(c.volume, c.currency, locale) })),
  };
}

/**
 * The overview as the template shows it: amounts formatted for the operator's locale
 * from minor units, rates as percentages, times in UTC like the rest of the console.
 *
 * @example
 * ```ts
 * renderConsole(res, 'overview', presentOverview(await service.overview(), 'ru'));
 * ```
 */
export function presentOverview(o: ConsoleOverview, locale: string) {
  return {
    today: figures(o.today, locale),
    recent: figures(o.recent, locale),
    banks: {
      total: o.banks.total,
      healthy: o.banks.total - o.banks.troubled.length,
      troubled: o.banks.troubled.map((b) => ({
        code: b.code,
        name: b.name,
        state: b.state,
        openBreakers: b.openBreakers,
        connections: b.connections.length,
        errorPercent: (b.errorPerMille / 10).toFixed(1),
      })),
    },
    applications: { ...o.applications, oldest: o.applications.oldest.map((a) => ({ ...a, days: a.businessDays.toFixed(1) })) },
    alerts: {
      openReviews: o.alerts.openReviews,
      nextReviewDeadline: o.alerts.nextReviewDeadline === undefined ? undefined : utc(o.alerts.nextReviewDeadline),
      bankAlerts: o.alerts.bankAlerts,
      latestBankAlerts: o.alerts.latestBankAlerts.map((a) => ({ ...a, created: utc(a.createdAt) })),
      none: o.alerts.openReviews === 0 && o.alerts.bankAlerts === 0,
    },
    breakerKeys: { closed: 'console.breaker.closed', open: 'console.breaker.open', half_open: 'console.breaker.half_open' },
  };
}
