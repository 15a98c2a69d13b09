import fs from 'node:fs';
import path from 'node:path';
import { Gateway } from '../gateway';
import { MerchantService } from '../merchants/merchant.service';
import { PaymentService } from '../payments/payment.service';
import { paymentView } from '../payments/payment-view';

export interface DemoMerchant {
  readonly merchantId: string;
  readonly testSecretKey: string;
  readonly paymentId: string;
  readonly paymentUrl: string;
  readonly file: string;
}

/**
 * On the very first start of an empty embedded database, creates a demo merchant in
 * test mode and one ready payment, so a newcomer has something to pay within a
 * minute. The test key is also written to data/demo-merchant.json (mode 0600),
 * since a secret key is otherwise shown only once.
 */
export async function ensureDemoMerchant(gateway: Gateway): Promise<DemoMerchant | undefined> {
  const merchants = gateway.container.resolve(MerchantService);
  if ((await merchants.count()) > 0) return undefined;
  const merchant = await merchants.create({ name: 'Demo Shop', email: 'demo@example.com' });
  const ctx = { merchantId: merchant.id, livemode: false };
  const payment = await gateway.container.resolve(PaymentService).create(ctx, {
    amount: 150000,
    currency: 'RUB',
    order_id: 'demo-1',
    description: 'Demo order',
    capture_method: 'automatic',
    return_url: undefined,
    metadata: undefined,
  });
  const view = paymentView(payment, gateway.config.publicUrl);
  const demo = { merchantId: merchant.id, testSecretKey: merchant.test_secret_key, paymentId: payment.id, paymentUrl: view.payment_url };
  const file = path.join(gateway.config.dataDir, 'demo-merchant.json');
  fs.mkdirSync(gateway.config.dataDir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
  return { ...demo, file };
}
