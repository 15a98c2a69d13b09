import request from 'supertest';
import { Express } from 'express';
import { SaleorAppTokenVerifier, SaleorInstallationService } from '@tender/plugin-saleor';
import { TestGateway } from './test-gateway';
import { MerchantClient } from './merchant-client';
import { FakeSaleor } from './saleor-fixtures';

let seq = 0;

/**
 * A Saleor store the merchant declared (through the API, with its checks) and Saleor
 * registered with the declaration's install secret. The store's acceptance of the app
 * token is stood in for (these stores are addresses the outbound tests attack, not
 * Saleor; test/security/saleor-install.spec.ts is where the token check is tested):
 * a separate instance of the installation service, built in a child container whose
 * token verifier accepts any token, so the gateway's own service is left untouched.
 * Returns the API URL.
 */
export async function installSaleorStore(t: TestGateway, shop: MerchantClient, apiUrl: string): Promise<string> {
  const declared = await shop.post('/v1/saleor/installations', { saleor_api_url: apiUrl }).expect(201);
  const secret = new URL(String(declared.body.manifest_url)).searchParams.get('install') ?? undefined;
  const scope = t.gateway.container.createChildContainer();
  const acceptsAnyToken: Pick<SaleorAppTokenVerifier, 'appId'> = { appId: async () => 'app-under-test' };
  scope.register(SaleorAppTokenVerifier, { useValue: acceptsAnyToken as SaleorAppTokenVerifier });
  scope.register(SaleorInstallationService, { useClass: SaleorInstallationService });
  await scope.resolve(SaleorInstallationService).register(apiUrl, `saleor-app-token-${++seq}`, secret);
  return apiUrl;
}

/** A signed TRANSACTION_INITIALIZE_SESSION naming the store: the gateway fetches the store's JWKS to check it. */
export function signedSaleorWebhook(app: Express, saleor: FakeSaleor, apiUrl: string): request.Test {
  seq++;
  const body = JSON.stringify({
    action: { amount: 10, currency: 'RUB', actionType: 'CHARGE' },
    transaction: { id: `VHJhbnNhY3Rpb246${seq}`, pspReference: null },
    sourceObject: { __typename: 'Checkout', id: `Q2hlY2tvdXQ6${seq}` },
    idempotencyKey: `outbound-${seq}`,
    data: null,
  });
  return request(app)
    .post('/saleor/webhooks/transaction-initialize-session')
    .set('Content-Type', 'application/json')
    .set('saleor-api-url', apiUrl)
    .set('saleor-signature', saleor.signature(body))
    .send(body);
}

/** A paid payment backing a Saleor transaction the store has not heard of, so the reporter calls the store. */
export async function unreportedSaleorTransaction(t: TestGateway, shop: MerchantClient, apiUrl: string): Promise<string> {
  const payment = await shop.pay('4242424242424242');
  const installation = await t.gateway.db('saleor_installations').where({ saleor_api_url: apiUrl }).first();
  await t.gateway.db('saleor_transactions').insert({
    payment_id: payment.id,
    installation_id: installation.id,
    merchant_id: installation.merchant_id,
    livemode: installation.livemode,
    transaction_id: `VHJhbnNhY3Rpb246${payment.id}`,
    action_type: 'CHARGE',
    reported_status: 'requires_payment_method',
    created_at: Date.now(),
  });
  return payment.id;
}

/** Whether the reporter has marked the transaction of this payment as reported. */
export async function saleorReported(t: TestGateway, paymentId: string): Promise<boolean> {
  const row = await t.gateway.db('saleor_transactions').where({ payment_id: paymentId }).first();
  return row.reported_status !== 'requires_payment_method';
}
