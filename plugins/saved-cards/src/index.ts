/**
 * @tender/plugin-saved-cards: customers, saved cards, one-click and merchant-initiated
 * payments, setup without charging, expiry notices, export and erasure (docs/saved-cards.md).
 */
export { plugin, plugin as default } from './saved-cards.plugin';
export { savedCardsTables } from './migrations/001-saved-cards-tables';
export { savedCardsOptions, SavedCardsOptions, SAVED_CARDS_OPTIONS } from './options';
export { ExpiryNotices, EXPIRY_NOTICES } from './expiry/expiry-notices';
export { SavedCardPaymentMethod } from './method/saved-card.method';
export { savedCardInputSchema, SavedCardInput } from './method/saved-card-input';
export { CustomerDataHooks, CustomerDataSection } from './customers/customer-data-hooks';
export { SavedCardsDeps } from './saved-cards-deps';
export { SAVED_CARDS_EVENT_TYPES, SavedCardsEventType, recordEvent } from './events/saved-cards-events';
export { Customer, CustomerView, customerView } from './customers/customer';
export { SavedCard, SavedCardView, savedCardView, isExpired, expiresAt } from './cards/saved-card';
export { SAVED_CARDS, SavedCardsAccess, SavedCardSummary } from './saved-cards-access';
