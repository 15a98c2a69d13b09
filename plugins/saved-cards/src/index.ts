/**
 * @tender/plugin-saved-cards: customers, saved cards, one-click and merchant-initiated
 * payments, setup without charging, expiry notices, export and erasure (docs/saved-cards.md).
 */
export { plugin, plugin as default } from './saved-cards.plugin';
export { savedCardsTables } from './migrations/001-saved-cards-tables';
export { savedCardsOptions, SavedCardsOptions, SAVED_CARDS_OPTIONS } from './options';
