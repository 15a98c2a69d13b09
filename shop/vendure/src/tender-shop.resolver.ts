import { Mutation, Resolver } from '@nestjs/graphql';
import { Allow, Ctx, Permission, RequestContext, Transaction } from '@vendure/core';
import { parse } from 'graphql';
import { TenderCheckoutService, TenderPaymentIntent } from './tender-checkout.service';

/** The shop API's addition: the storefront asks for the payment page of the active order. */
export const tenderShopApiExtensions = parse(`
  type TenderPaymentIntent {
    "Tender's hosted payment page: redirect the buyer here."
    paymentUrl: String!
    "Tender's payment id (pay_...); the storefront may pass it to addPaymentToOrder as metadata.tenderPaymentId when the buyer returns."
    tenderPaymentId: String!
  }
  extend type Mutation {
    "Moves the active order to ArrangingPayment and returns the Tender payment page for its total."
    createTenderPaymentIntent: TenderPaymentIntent!
  }
`);

@Resolver()
export class TenderShopResolver {
  constructor(private readonly checkout: TenderCheckoutService) {}

  @Mutation()
  @Transaction()
  @Allow(Permission.Owner)
  createTenderPaymentIntent(@Ctx() ctx: RequestContext): Promise<TenderPaymentIntent> {
    return this.checkout.createIntent(ctx);
  }
}
