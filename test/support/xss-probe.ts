import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import type { Knex } from 'knex';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'xss');

/** One published (or Tender-written) XSS vector and the list it comes from (test/fixtures/xss/README.md). */
export interface XssVector {
  readonly source: string;
  readonly line: number;
  readonly text: string;
}

/** Every vector of test/fixtures/xss/*.txt, one per non-empty line. */
export function xssCorpus(): XssVector[] {
  const vectors: XssVector[] = [];
  for (const file of fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.txt'))
    .sort()) {
    fs.readFileSync(path.join(FIXTURES, file), 'utf8')
      .split('\n')
      .forEach((text, i) => {
        if (text.trim() !== '') vectors.push({ source: file, line: i + 1, text });
      });
  }
  return vectors;
}

/**
 * Stores a branding straight into merchant_branding, past every check of the API:
 * what a row written before today's checks (or by a check that missed something)
 * looks like. The page must still be safe, because it sanitises when it renders.
 */
export async function storeBrandingBehindTheChecks(
  db: Knex,
  merchantId: string,
  fields: { logoUrl?: string | null; customCss?: string | null; template?: string | null },
): Promise<void> {
  const settings = {
    logoUrl: fields.logoUrl ?? null,
    primaryColor: null,
    backgroundColor: null,
    textColor: null,
    font: null,
    buttonStyle: null,
    customCss: fields.customCss ?? null,
    frameAncestors: [],
  };
  const row = { merchant_id: merchantId, livemode: false, settings: JSON.stringify(settings), template: fields.template ?? null, updated_at: Date.now() };
  await db('merchant_branding').where({ merchant_id: merchantId, livemode: false }).delete();
  await db('merchant_branding').insert(row);
}

/** What a page did that a page with hostile content must never do. */
export interface ProbeFindings {
  /** alert/confirm/prompt dialogs: a script ran. */
  readonly dialogs: string[];
  /** Content Security Policy refusals: something active reached the browser (the CSP, the second line, had to act). */
  readonly cspRefusals: string[];
  /** Uncaught script errors on the page. */
  readonly pageErrors: string[];
  /** Requests to any host but the gateway (all aborted; none left this machine). */
  readonly outside: { url: string; type: string; postData: string | null }[];
  /** Every request to the gateway (method, URL, body), to look for card data where it must not be. */
  readonly inside: { method: string; url: string; postData: string | null }[];
}

/**
 * Watches a browser context: dialogs, console CSP refusals, page errors and every
 * request. Requests to any host but the gateway are recorded and aborted, so nothing
 * leaves the machine (the test network is loopback only).
 */
export async function watchContext(
  context: BrowserContext,
  gatewayOrigin: string,
): Promise<ProbeFindings & { reset(): ProbeFindings; attach(page: Page): void }> {
  let findings: ProbeFindings = { dialogs: [], cspRefusals: [], pageErrors: [], outside: [], inside: [] };
  await context.route('**/*', async (route) => {
    const request = route.request();
    const url = request.url();
    if (url.startsWith(`${gatewayOrigin}/`) || url === gatewayOrigin) {
      findings.inside.push({ method: request.method(), url, postData: request.postData() });
      await route.continue();
    } else {
      findings.outside.push({ url, type: request.resourceType(), postData: request.postData() });
      await route.abort();
    }
  });
  const attach = (page: Page): void => {
    page.on('dialog', (dialog) => {
      findings.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss().catch(() => undefined);
    });
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) findings.cspRefusals.push(message.text().slice(0, 300));
    });
    page.on('pageerror', (error) => findings.pageErrors.push(error.message.slice(0, 300)));
  };
  context.on('page', attach);
  return {
    get dialogs() {
      return findings.dialogs;
    },
    get cspRefusals() {
      return findings.cspRefusals;
    },
    get pageErrors() {
      return findings.pageErrors;
    },
    get outside() {
      return findings.outside;
    },
    get inside() {
      return findings.inside;
    },
    attach,
    reset() {
      const old = findings;
      findings = { dialogs: [], cspRefusals: [], pageErrors: [], outside: [], inside: [] };
      return old;
    },
  };
}

/**
 * Does what a buyer might do to hostile markup in every frame of the page: hovers,
 * focuses and clicks every element that is not a link away or a submit button, so
 * handlers that wait for an event get their chance. Runs through the DevTools
 * protocol, which the page's CSP does not govern, and only dispatches events (it
 * runs none of the page's text itself).
 */
export async function provoke(page: Page): Promise<void> {
  for (const frame of page.frames()) await provokeFrame(frame);
}

async function provokeFrame(frame: Frame): Promise<void> {
  // A string, evaluated in the page: the test project has no DOM types.
  await frame
    .evaluate(
      `(() => {
      for (const el of Array.from(document.querySelectorAll('body *'))) {
        if (el.closest('form') !== null || el.tagName === 'IFRAME') continue;
        for (const type of ['mouseover', 'mouseenter', 'mousedown', 'mouseup', 'focus', 'focusin', 'dblclick', 'contextmenu', 'animationstart']) el.dispatchEvent(new Event(type, { bubbles: true }));
        const href = el.getAttribute('href');
        const scripted = href !== null && !/^(https?:|mailto:|tel:|#|\\/)/i.test(href.trim());
        if (el.tagName !== 'A' || scripted) el.click?.();
      }
    })()`,
    )
    .catch(() => undefined);
}

/**
 * True when `text` carries any of the card values (digits with or without separators).
 *
 * The PAN is looked for anywhere. The CVC and the expiry are four digits, so they count only where a script would
 * put them: the CVC standing alone, the expiry alone or inside a run of digits (joined to other card values).
 * Neither counts inside a run that holds letters, because the gateway's own URLs carry such runs: the branding
 * editor's `?v=` is `Date.now()` in base 36, and once read `mxd1229k` when the test card expired 12/29.
 *
 * @example carriesCard('exp=1229&x=1', card) // true for expiry 12/29; carriesCard('?v=mxd1229k', card) // false
 */
export function carriesCard(text: string, card: { number: string; cvc: string; expiry: string }): boolean {
  const digits = decodeURIComponent(text.replace(/%(?![0-9a-f]{2})/gi, '%25')).replace(/[\s+-]/g, '');
  const runs = digits.split(/[^A-Za-z0-9]+/);
  const expiry = card.expiry.replace('/', '');
  return (
    digits.includes(card.number) ||
    digits.includes(card.number.slice(0, 12)) ||
    runs.includes(card.cvc) ||
    runs.some((run) => /^\d+$/.test(run) && run.includes(expiry))
  );
}
