import path from 'node:path';
import type * as Setup from '../../../test/support/setup';
import type * as TestGatewaySupport from '../../../test/support/test-gateway';
import type * as MerchantSupport from '../../../test/support/merchant-client';
import type * as WebhookSupport from '../../../test/support/webhook-receiver';

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

export type TestGateway = TestGatewaySupport.TestGateway;
export type ReceivedWebhook = WebhookSupport.ReceivedWebhook;
export type WebhookReceiver = WebhookSupport.WebhookReceiver;

/** The saved-cards plugin from the root's build (plugins/saved-cards/dist), for specs that start a gateway with it. */
type GatewayPlugin = NonNullable<TestGatewaySupport.TestGatewayOptions['plugins']>[number];
const PLUGINS_DIR = path.resolve(__dirname, '../../../../plugins');
const ADAPTERS_DIR = path.resolve(__dirname, '../../../../adapters');

/**
 * A gateway with the default plugins and the saved-cards plugin (customers, saved cards,
 * schedules: docs/saved-cards.md), whether or not the test gateway's defaults hold it.
 */
export async function startSavedCardsGateway(options: TestGatewaySupport.TestGatewayOptions = {}): Promise<TestGatewaySupport.TestGateway> {
  const load = (dir: string): GatewayPlugin => (require(path.join(dir, 'dist', 'index.js')) as { plugin: GatewayPlugin }).plugin;
  const plugins = [load(path.join(ADAPTERS_DIR, 'sandbox')), load(path.join(PLUGINS_DIR, 'accounts')), load(path.join(PLUGINS_DIR, 'saved-cards'))];
  return testGateway.startTestGateway({ ...options, plugins });
}

export const mochaHooks = setup.mochaHooks;
export const startTestGateway = testGateway.startTestGateway;
export const CARDS = merchant.CARDS;
export const FAST_WEBHOOKS = webhooks.FAST_WEBHOOKS;
export const WebhookReceiver = webhooks.WebhookReceiver;
export const eventually = webhooks.eventually;
