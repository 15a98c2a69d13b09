import assert from 'node:assert/strict';
import { webUrl } from '@tender/core';
import { nextActionPage } from '@tender/core/dist/pages/next-action-page';

/** What an adapter's next action may put on the hosted page: hostile values are left off. */
describe('next-action page context (what an adapter sends ends up in href and src)', () => {
  const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

  it('keeps a PNG data URL and an https bank-app link, with the expiry in the page language', () => {
    const page = nextActionPage(
      { type: 'display_qr', qr: { payload: 'https://qr.nspk.ru/AD1', image_data_url: png }, mobile_url: 'https://qr.nspk.ru/AD1' },
      Date.UTC(2026, 11, 4, 22, 59),
      'ru',
    );
    assert.equal(page.qr?.image_data_url, png);
    assert.equal(page.mobile_url, 'https://qr.nspk.ru/AD1');
    assert.match(page.expires ?? '', /22:59/);
    assert.equal(page.expires_iso, '2026-12-04T22:59:00.000Z');
  });

  it('leaves off script URLs, other image types and markup', () => {
    const hostile = nextActionPage(
      { type: 'display_qr', qr: { payload: 'x', image_data_url: 'data:text/html;base64,PHNjcmlwdD4=' }, mobile_url: 'javascript:alert(1)' },
      null,
      'en',
    );
    assert.equal(hostile.qr, null);
    assert.equal(hostile.mobile_url, null);
    assert.equal(nextActionPage({ type: 'display_qr', qr: { payload: 'x', image_data_url: `${png}"><script>` } }, null, 'en').qr, null);
    assert.equal(nextActionPage({ type: 'redirect_to_url', url: 'javascript:alert(document.cookie)' }, null, 'en').redirect_url, null);
    assert.equal(nextActionPage({ type: 'redirect_to_url', url: 'data:text/html,hi' }, null, 'en').redirect_url, null);
    assert.equal(nextActionPage({ type: 'redirect_to_url', url: 'https://wallet.example/p/1' }, null, 'en').redirect_url, 'https://wallet.example/p/1');
    assert.equal(webUrl('not a url'), null);
  });
});
