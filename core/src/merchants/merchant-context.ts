/**
 * Who is asking: the merchant and the mode its key belongs to. Every query on
 * merchant data takes one and filters by both fields.
 */
export interface MerchantContext {
  readonly merchantId: string;
  readonly livemode: boolean;
}
