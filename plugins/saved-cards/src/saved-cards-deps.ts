import { CoreServices } from '@tender/core';
import { ConsentRepository } from './cards/consent.repository';
import { SavedCardRepository } from './cards/saved-card.repository';
import { CustomerDataHooks } from './customers/customer-data-hooks';
import { CustomerRepository } from './customers/customer.repository';
import { SavedCardsOptions } from './options';

/**
 * What the plugin's services share: core's services (the late ones, payments,
 * events, e-mails, are read only when a request or job runs), the options and the
 * repositories. Built once in setup.
 */
export interface SavedCardsDeps {
  readonly core: CoreServices;
  readonly options: SavedCardsOptions;
  readonly hooks: CustomerDataHooks;
  readonly customers: CustomerRepository;
  readonly cards: SavedCardRepository;
  readonly consents: ConsentRepository;
}

export function savedCardsDeps(core: CoreServices, options: SavedCardsOptions): SavedCardsDeps {
  return {
    core,
    options,
    hooks: new CustomerDataHooks(),
    customers: new CustomerRepository(),
    cards: new SavedCardRepository(),
    consents: new ConsentRepository(),
  };
}
