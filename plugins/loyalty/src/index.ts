export { plugin, plugin as default } from './loyalty.plugin';
export { PointsLedger } from './ledger/points-ledger';
export { isCardNumber, newCardNumber } from './programs/card-number';
export { accruedPoints, proportionalShare } from './programs/points-arithmetic';
