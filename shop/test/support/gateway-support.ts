import path from 'node:path';
import type * as Setup from '../../../test/support/setup';
import type * as TestGatewaySupport from '../../../test/support/test-gateway';
import type * as MerchantSupport from '../../../test/support/merchant-client';
import type * as WebhookSupport from '../../../test/support/webhook-receiver';
import type * as SavedCardsSupport from '../../../test/support/saved-cards';

/*
 * The shop suite's one way to a gateway: the gateway suite's own support (a real
 * Tender gateway on this run's database, SQLite or MariaDB, with the sandbox bank;
 * a webhook receiver on loopback), loaded from the repository root's build.
 *
 * Why not `@tender/core` as a dev dependency of the shop install: a `file:` link
 * would install core's dependencies a second time (better-sqlite3 included) or into
 * core's own folder, and the shop's lockfile would carry the gateway's. This way the
 * shop install holds only shop-side packages, every gateway module resolves from the
 * root's node_modules (the folder it sits in), and the types are checked through the
 * project reference to ../../test (tsc -b builds it when it is stale).
 */
const GATEWAY_TEST_SUPPORT = path.resolve(__dirname, '../../../../test/dist/support');

function gatewaySupport<T>(module: string): T {
  // A path computed at run time (the root's build output), so require rather than import.
  return require(path.join(GATEWAY_TEST_SUPPORT, module)) as T;
}

const setup = gatewaySupport<typeof Setup>('setup.js');
const testGateway = gatewaySupport<typeof TestGatewaySupport>('test-gateway.js');
const merchant = gatewaySupport<typeof MerchantSupport>('merchant-client.js');
const webhooks = gatewaySupport<typeof WebhookSupport>('webhook-receiver.js');
const savedCards = gatewaySupport<typeof SavedCardsSupport>('saved-cards.js');

export type TestGateway = TestGatewaySupport.TestGateway;
export type ReceivedWebhook = WebhookSupport.ReceivedWebhook;
export type WebhookReceiver = WebhookSupport.WebhookReceiver;

export const mochaHooks = setup.mochaHooks;
export const startTestGateway = testGateway.startTestGateway;
export const CARDS = merchant.CARDS;
export const FAST_WEBHOOKS = webhooks.FAST_WEBHOOKS;
export const WebhookReceiver = webhooks.WebhookReceiver;
export const eventually = webhooks.eventually;
/** A gateway with the default plugins and @tender/plugin-saved-cards (customers, saved cards, schedules). */
export const startSavedCardsGateway = savedCards.startSavedCardsGateway;
