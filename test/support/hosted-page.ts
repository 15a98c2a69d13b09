import { createHmac } from 'node:crypto';
import request from 'supertest';
import { Express } from 'express';

/** The one-time form token and action of the card form in a page's HTML. */
export function formOf(html: string): { token: string; action: string } {
  const token = /name="form_token" value="([0-9A-Za-z]+)"/.exec(html)?.[1];
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (token === undefined || action === undefined) throw new Error(`no form in page:\n${html.slice(0, 2000)}`);
  return { token, action };
}

/**
 * The payment form island a payment page frames (/pay/<token>/fields...), as HTML:
 * the card form (and the account option) live there, not in the page itself.
 */
export async function islandOf(app: Express, pageHtml: string): Promise<string> {
  const src = /<iframe class="payment-island[^"]*" id="payment-island" src="([^"]+)"/.exec(pageHtml)?.[1];
  if (src === undefined) throw new Error(`no payment form island in page:\n${pageHtml.slice(0, 2000)}`);
  return (
    await request(app)
      .get(src.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='))
      .expect(200)
  ).text;
}

/** The card form of a payment page: the page's island, fetched. */
export async function cardFormOf(app: Express, token: string): Promise<{ token: string; action: string; html: string }> {
  const html = await islandOf(app, (await request(app).get(`/pay/${token}`).expect(200)).text);
  return { ...formOf(html), html };
}

/** The page token from a payment_url. */
export function pageTokenOf(paymentUrl: string): string {
  return paymentUrl.split('/pay/')[1] ?? '';
}

/** An independent HMAC-SHA256 (hex) as a shop would compute it. */
export function shopHmac(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

export function expiry(): string {
  return `12/${String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0')}`;
}

/** Posts the card form the way a browser without JavaScript does. */
export async function postCard(app: Express, token: string, number: string, extra: Record<string, string> = {}): Promise<request.Response> {
  const form = await cardFormOf(app, token);
  return request(app)
    .post(form.action)
    .type('form')
    .send({ form_token: form.token, number, expiry: expiry(), cvc: '123', holder_name: 'Ann Buyer', ...extra });
}
