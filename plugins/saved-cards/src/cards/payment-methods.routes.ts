import { callerOf, parsePathId } from '@tender/core';
import { Router } from 'express';
import { SavedCardService } from './saved-card.service';

/** /v1/payment_methods/:id (merchant API): a saved card, and its deletion (the vault row goes). */
export function paymentMethodRoutes(cards: SavedCardService): Router {
  const router = Router();
  router.get('/payment_methods/:id', async (req, res) => {
    res.json(await cards.retrieve(callerOf(res), parsePathId('pm', req.params.id)));
  });
  router.delete('/payment_methods/:id', async (req, res) => {
    res.json(await cards.delete(callerOf(res), parsePathId('pm', req.params.id)));
  });
  return router;
}
