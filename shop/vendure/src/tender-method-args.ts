import { ConfigArg } from '@vendure/common/lib/generated-types';
import { TenderClient } from '@tender/client';

/**
 * The settings a shop owner enters on the Tender payment method in the Vendure admin
 * (Settings -> Payment methods), one set per channel (see the handler's `args`).
 */
export interface TenderMethodSettings {
  apiKey: string;
  baseUrl: string;
  webhookSecret: string;
  returnUrl: string | undefined;
  autoCapture: boolean;
}

/** Reads the stored ConfigArg list (all values are strings) of a Tender payment method. */
export function settingsFromConfigArgs(args: readonly ConfigArg[]): TenderMethodSettings {
  const value = (name: string): string | undefined => args.find((a) => a.name === name)?.value;
  return {
    apiKey: value('apiKey') ?? '',
    baseUrl: value('baseUrl') ?? '',
    webhookSecret: value('webhookSecret') ?? '',
    returnUrl: value('returnUrl') || undefined,
    autoCapture: value('autoCapture') === 'true',
  };
}

/** A client for the method's Tender account; refuses settings that cannot work. */
export function tenderClientFor(settings: Pick<TenderMethodSettings, 'apiKey' | 'baseUrl'>): TenderClient {
  if (!/^https?:\/\//.test(settings.baseUrl)) throw new Error('Tender: the payment method has no gateway URL (baseUrl)');
  return new TenderClient({ secretKey: settings.apiKey, baseUrl: settings.baseUrl });
}
