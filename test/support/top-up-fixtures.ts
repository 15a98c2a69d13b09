import request from 'supertest';
import { Express } from 'express';
import { ADMIN_TOKEN } from './test-gateway';

/** Operators by INN as the sample numbering plan names them (plugins/top-up/numbering-plan/numbering-plan.csv). */
export const OPERATOR_INNS = { mts: '7740000076', megafon: '7812014560', beeline: '7713076301', t2: '7743895280' } as const;

/** Test numbers: MTS (916 in the sample plan); the last four digits choose the sandbox provider's answer. */
export const TOP_UP_NUMBERS = {
  accepts: '+79161230001',
  rejects: '+79161230002',
  timesOut: '+79161230003',
  answersLater: '+79161230004',
  /** 958: in the plan, but its operator is in no settings. */
  unknownOperator: '+79580001234',
  /** 999: allocated to nobody in the sample plan. */
  unallocated: '+79990001234',
} as const;

/** Settings every top-up spec starts from: MTS with a fixed + percentage fee, MegaFon free. */
export function topUpSettings(merchantId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    merchant_id: merchantId,
    livemode: false,
    operators: {
      [OPERATOR_INNS.mts]: { name: 'MTS', fee_fixed: 500, fee_bps: 150, min_amount: 1000, max_amount: 1_500_000 },
      [OPERATOR_INNS.megafon]: { name: 'MegaFon', min_amount: 1000, max_amount: 1_500_000 },
    },
    daily_limit_per_number: 3_000_000,
    daily_limit_per_card: 5_000_000,
    ...overrides,
  };
}

export function putTopUpSettings(app: Express, body: unknown): request.Test {
  return request(app)
    .put('/admin/v1/top-up/settings')
    .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
    .send(body as object);
}

/** Fast options for a test gateway: the delivery job off (tests drive `runOnce`), a short provider timeout. */
export const TOP_UP_TEST_OPTIONS: Record<string, string> = {
  TENDER_PLUGIN_TOP_UP_DELIVERY_INTERVAL_MS: '0',
  TENDER_PLUGIN_TOP_UP_PROVIDER_TIMEOUT_MS: '300',
  TENDER_PLUGIN_TOP_UP_LEASE_MS: '1000',
  TENDER_PLUGIN_TOP_UP_RETRY_MS: '0',
  TENDER_PLUGIN_TOP_UP_SANDBOX_HANG_MS: '10000',
  TENDER_PLUGIN_TOP_UP_SANDBOX_LATER_MS: '60000',
  TENDER_PLUGIN_TOP_UP_CREATES_PER_ADDRESS_PER_HOUR: '1000',
};
