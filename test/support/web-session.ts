import assert from 'node:assert/strict';
import { Express } from 'express';
import request from 'supertest';
import type { Page } from 'playwright-core';
import { MerchantUserRole, PasswordLinkService, WebAccountService } from '@tender/core';
import { TestGateway } from './test-gateway';

/** The password every helper-made account gets unless a test chooses one. */
export const WEB_PASSWORD = 'correct horse battery staple';

export type WebArea = 'dashboard' | 'console';

export interface WebUser {
  readonly accountId: string;
  readonly email: string;
  readonly password: string;
  /** Set for merchant users. */
  readonly merchantId: string | undefined;
}

/** A signed-in supertest agent: cookies kept, plus the session's CSRF token for non-GET requests. */
export interface WebAgent {
  readonly agent: ReturnType<typeof request.agent>;
  readonly csrf: string;
  readonly user: WebUser;
}

let counter = 0;
const uniqueEmail = (prefix: string): string => `${prefix}-${process.pid}-${++counter}@example.com`;

/**
 * A merchant user with a password (a new test merchant unless merchantId is given).
 *
 * @example
 * ```ts
 * const owner = await createMerchantUser(t, { role: 'owner' });
 * const support = await createMerchantUser(t, { merchantId: owner.merchantId, role: 'support' });
 * ```
 */
export async function createMerchantUser(
  t: TestGateway,
  options: { merchantId?: string; email?: string; role?: MerchantUserRole; password?: string } = {},
): Promise<WebUser> {
  const merchantId = options.merchantId ?? (await t.createMerchant()).id;
  const password = options.password ?? WEB_PASSWORD;
  const account = await t.gateway.container
    .resolve(WebAccountService)
    .createMerchantUser({ merchantId, email: options.email ?? uniqueEmail(options.role ?? 'owner'), role: options.role ?? 'owner', password });
  return { accountId: account.id, email: account.email, password, merchantId };
}

export async function createOperatorAccount(t: TestGateway, options: { email?: string; password?: string } = {}): Promise<WebUser> {
  const password = options.password ?? WEB_PASSWORD;
  const account = await t.gateway.container.resolve(WebAccountService).createOperator({ email: options.email ?? uniqueEmail('operator'), password });
  return { accountId: account.id, email: account.email, password, merchantId: undefined };
}

/** The CSRF token a shell page carries (meta csrf-token, or the first `_csrf` field). */
export function csrfOf(html: string): string {
  const token = /<meta name="csrf-token" content="([^"]+)">/.exec(html)?.[1] ?? /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(token !== undefined && token !== '', 'the page carries a CSRF token');
  return token;
}

/** Loads the sign-in form and posts it; the response of the post (303 when it worked). */
export async function postSignin(
  agent: ReturnType<typeof request.agent>,
  area: WebArea,
  email: string,
  password: string,
  next?: string,
): Promise<request.Response> {
  const form = await agent.get(`/${area}/signin`).expect(200);
  const token = csrfOf(form.text);
  return agent
    .post(`/${area}/signin`)
    .type('form')
    .send({ _csrf: token, email, password, ...(next === undefined ? {} : { next }) });
}

/** Signs `user` in through the real sign-in form; fails the test if it does not work. */
export async function signInAgent(app: Express, area: WebArea, user: WebUser): Promise<WebAgent> {
  const agent = request.agent(app);
  const res = await postSignin(agent, area, user.email, user.password);
  assert.equal(res.status, 303, `sign-in of ${user.email} answered ${res.status}`);
  const home = await agent.get(`/${area}/security`).expect(200);
  return { agent, csrf: csrfOf(home.text), user };
}

/** A new merchant user of `role` (new merchant unless given), signed in to /dashboard. */
export async function merchantAgent(t: TestGateway, options: { role?: MerchantUserRole; merchantId?: string } = {}): Promise<WebAgent> {
  return signInAgent(t.gateway.app, 'dashboard', await createMerchantUser(t, options));
}

/** A new operator, signed in to /console. */
export async function operatorAgent(t: TestGateway): Promise<WebAgent> {
  return signInAgent(t.gateway.app, 'console', await createOperatorAccount(t));
}

/** Switches a dashboard session between test and live (the header's switch, confirmed; live only for a merchant in production). */
export async function setMode(web: WebAgent, mode: 'test' | 'live'): Promise<void> {
  await web.agent.post('/dashboard/mode').type('form').send({ _csrf: web.csrf, mode, back: '/dashboard', confirmed: 'yes' }).expect(303);
}

/** Marks a merchant as switched to production (live_at set), as the operator's go-live would, for screens that need live mode. */
export async function markLive(t: TestGateway, merchantId: string): Promise<void> {
  await t.gateway.db('merchants').where({ id: merchantId }).update({ stage: 'live', live_at: Date.now(), contract_signed_at: Date.now() });
}

/** A one-time set-password link for an account, as the e-mail would carry it (path only). */
export async function passwordLinkPath(t: TestGateway, accountId: string): Promise<string> {
  const links = t.gateway.container.resolve(PasswordLinkService);
  const account = await t.gateway.container.resolve(WebAccountService).findById(accountId);
  assert.ok(account !== undefined);
  return new URL(links.urlFor(account, await links.create(accountId, 3600_000))).pathname;
}

/**
 * Signs a Playwright page in through the form at `baseUrl` (a real port of the gateway)
 * and waits for the area's home page.
 *
 * @example
 * ```ts
 * await signInPage(page, `http://127.0.0.1:${port}`, 'dashboard', owner);
 * await page.goto(`${base}/dashboard/payments`);
 * ```
 */
export async function signInPage(page: Page, baseUrl: string, area: WebArea, user: WebUser): Promise<void> {
  await page.goto(`${baseUrl}/${area}/signin`);
  await page.fill('#email', user.email);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForURL((url) => url.pathname === `/${area}` || url.pathname === `/${area}/`), page.click('#signin-submit')]);
}
