import type { TenderFactory } from './types';

export type * from './types';

/**
 * Loads /js/tender.js from the gateway (once per page) and resolves with its
 * `Tender` factory. The card-handling code always comes from the gateway, so the
 * fields' frames and the script that talks to them are the same version; this
 * package only adds the loader and the types. The page's CSP must allow the
 * gateway in `script-src` and `frame-src` (docs/embedded-fields.md).
 *
 * @example
 * ```ts
 * import { loadTender } from '@tender/js';
 * const Tender = await loadTender('https://pay.example');
 * const tender = Tender('pk_test_...');
 * const card = tender.cardFields().mount({ number: '#card-number', expiry: '#card-expiry', cvc: '#card-cvc' });
 * const { token, error } = await tender.createToken(card);
 * ```
 */
export function loadTender(gatewayUrl: string): Promise<TenderFactory> {
  const origin = new URL(gatewayUrl).origin;
  const existing = (window as unknown as { Tender?: TenderFactory }).Tender;
  if (existing !== undefined) return Promise.resolve(existing);
  const pending = loading.get(origin);
  if (pending !== undefined) return pending;
  const promise = new Promise<TenderFactory>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = `${origin}/js/tender.js`;
    script.async = true;
    script.addEventListener('load', () => {
      const factory = (window as unknown as { Tender?: TenderFactory }).Tender;
      if (factory === undefined) reject(new Error('tender.js loaded but defined no Tender'));
      else resolve(factory);
    });
    script.addEventListener('error', () => {
      loading.delete(origin);
      reject(new Error(`could not load ${script.src}`));
    });
    document.head.appendChild(script);
  });
  loading.set(origin, promise);
  return promise;
}

const loading = new Map<string, Promise<TenderFactory>>();
