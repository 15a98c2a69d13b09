/** A merchant's customer (one row of `customers`): whom saved cards and schedules belong to. */
export interface Customer {
  readonly seq: number;
  readonly id: string;
  readonly merchantId: string;
  readonly livemode: boolean;
  readonly email: string | null;
  readonly name: string | null;
  readonly phone: string | null;
  readonly description: string | null;
  readonly metadata: Record<string, string>;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** When the customer was erased (personal fields blanked, cards deleted); null while active. */
  readonly erasedAt: number | null;
}

/** The customer in its API form. */
export interface CustomerView {
  readonly id: string;
  readonly object: 'customer';
  readonly email: string | null;
  readonly name: string | null;
  readonly phone: string | null;
  readonly description: string | null;
  readonly metadata: Record<string, string>;
  readonly livemode: boolean;
  readonly created_at: string;
}

export function customerFromRow(row: Record<string, unknown>): Customer {
  const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
  return {
    seq: Number(row.seq),
    id: String(row.id),
    merchantId: String(row.merchant_id),
    livemode: Boolean(row.livemode),
    email: text(row.email),
    name: text(row.name),
    phone: text(row.phone),
    description: text(row.description),
    metadata: row.metadata === null || row.metadata === undefined ? {} : (JSON.parse(String(row.metadata)) as Record<string, string>),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    erasedAt: row.erased_at === null || row.erased_at === undefined ? null : Number(row.erased_at),
  };
}

/**
 * @example
 * ```ts
 * customerView(customer); // { id: 'cus_...', object: 'customer', email: 'buyer@example.com', ... }
 * ```
 */
export function customerView(c: Customer): CustomerView {
  return {
    id: c.id,
    object: 'customer',
    email: c.email,
    name: c.name,
    phone: c.phone,
    description: c.description,
    metadata: c.metadata,
    livemode: c.livemode,
    created_at: new Date(c.createdAt).toISOString(),
  };
}
