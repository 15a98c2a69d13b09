import { inject, injectable } from 'tsyringe';
import { TenderError } from '../errors/tender-error';
import { ApiKeyService } from '../merchants/api-keys';
import { SigningSecretService } from '../merchants/signing-secret.service';
import { isStandingRefusal } from '../merchants/merchant-standing';
import { PaymentService } from '../payments/payment.service';
import { createPaymentSchema } from '../payments/payment-input';
import { parseInput } from '../http/validation';
import { HostedPageService, PageAnswer } from './hosted-page.service';
import { formSignatureString, signatureMatches } from './return-signature';

/**
 * POST /pay/form: a shop's own HTML form posts the order straight to Tender, signed
 * with the merchant's signing secret; Tender creates the payment and opens its page.
 * Nothing is created unless the publishable key is valid and the signature matches.
 * The signature doubles as the creation's idempotency key, so the same signed form
 * posted twice opens the same payment. A merchant that may not take payments now
 * (MerchantStanding) gets no payment; the buyer sees the unavailable page.
 *
 * @example
 * ```html
 * <form method="post" action="https://pay.example/pay/form">
 *   <input type="hidden" name="key" value="pk_test_..."> ... <input type="hidden" name="signature" value="...">
 * </form>
 * ```
 */
@injectable()
export class SignedFormService {
  constructor(
    @inject(ApiKeyService) private readonly apiKeys: ApiKeyService,
    @inject(SigningSecretService) private readonly secrets: SigningSecretService,
    @inject(PaymentService) private readonly payments: PaymentService,
    @inject(HostedPageService) private readonly pages: HostedPageService,
  ) {}

  async open(body: Record<string, unknown>, request: { nonce: string; acceptLanguage: string | undefined }): Promise<PageAnswer> {
    const refuse = (): PageAnswer => this.pages.errorPage(request, 400, 'signature_invalid_title', 'signature_invalid_text');
    const field = (name: string): string => (typeof body[name] === 'string' ? body[name] : '');
    const key = field('key');
    if (!key.startsWith('pk_')) return refuse();
    let merchant;
    try {
      merchant = await this.apiKeys.authenticate(key);
    } catch (error) {
      if (error instanceof TenderError) return refuse();
      throw error;
    }
    const secret = await this.secrets.secretFor(merchant.merchantId);
    const fields = {
      key,
      orderId: field('order_id'),
      amount: field('amount'),
      currency: field('currency'),
      description: field('description'),
      returnUrl: field('return_url'),
    };
    if (!signatureMatches(secret, formSignatureString(fields), body.signature)) return refuse();
    let input;
    try {
      input = parseInput(createPaymentSchema, {
        amount: /^\d{1,15}$/.test(fields.amount) ? Number(fields.amount) : fields.amount,
        currency: fields.currency,
        order_id: fields.orderId,
        ...(fields.description === '' ? {} : { description: fields.description }),
        ...(fields.returnUrl === '' ? {} : { return_url: fields.returnUrl }),
        ...(field('locale') === '' ? {} : { locale: field('locale') }),
      });
    } catch (error) {
      if (error instanceof TenderError) return refuse();
      throw error;
    }
    // The standing came with the publishable key: the payment service reads nothing more.
    const ctx = { merchantId: merchant.merchantId, livemode: merchant.livemode, standing: merchant.standing };
    try {
      const payment = await this.payments.create(ctx, input, `form:${String(body.signature).toLowerCase()}`);
      return { kind: 'redirect', location: `/pay/${payment.pageToken}` };
    } catch (error) {
      if (isStandingRefusal(error)) return this.pages.unavailablePage(request);
      throw error;
    }
  }
}
