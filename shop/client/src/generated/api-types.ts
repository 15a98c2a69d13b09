// Generated from the gateway's OpenAPI document (/openapi.json) by scripts/generate-client-types.js.
// Do not edit: change the zod schemas in @tender/core and regenerate.
/* eslint-disable */

export interface Payment {
  /** Starts with pay_. */
  id: string;
  object: "payment";
  status: "pending" | "processing" | "requires_action" | "authorized" | "captured" | "partially_refunded" | "refunded" | "declined" | "failed" | "canceled";
  /** Minor units: what the bank is asked for (net of amount_discount); captures and refunds are limited by it. */
  amount: number;
  /** What the merchant asked for, before a confirm's adjustments (a loyalty discount). */
  amount_gross: number;
  /** What the adjustments took off: amount_gross - amount. */
  amount_discount: number;
  amount_captured: number;
  amount_refunded: number;
  /** ISO 4217, upper case. */
  currency: string;
  order_id: string;
  description: string | null;
  capture_method: "automatic" | "manual";
  livemode: boolean;
  /** The hosted payment page; send the buyer here. */
  payment_url: string;
  return_url: string | null;
  customer_email: string | null;
  metadata: Record<string, string>;
  /** A code of docs/errors.md when the payment was declined or failed. */
  failure_code: string | null;
  failure_message: string | null;
  /** Brand, BIN and last 4 only. */
  card: {
    brand: string;
    bin: string;
    last4: string;
    exp_month: number;
    exp_year: number;
  } | null;
  /** Transaction monitoring's score, decision and the rules that fired (docs/risk.md). */
  risk: {
    score: number;
    decision: string;
    reasons: {
      rule: string;
      score: number;
      reason: string;
      dry_run: boolean;
    }[];
  } | null;
  /** The hosted page's language, when the shop chose one. */
  locale: "ru" | "en" | "ar" | null;
  /** The 3-D Secure authentication; null when none took place. */
  three_d_secure: {
    eci: string | null;
    /** transStatus: Y, A, N, R or U. */
    status: string;
  } | null;
  /** The customer the payment is for (an id such as cus_...), when the shop named one. */
  customer: string | null;
  /** Keep the card after a successful payment: for payments with the buyer present (on_session) or merchant-initiated ones too (off_session). */
  setup_future_usage: "on_session" | "off_session" | null;
  /** A merchant-initiated payment: created and confirmed with the buyer absent. */
  off_session: boolean;
  /** The saved payment method (pm_...) it was paid with, when it was. */
  payment_method: string | null;
  /** While requires_action for a payment the buyer completes elsewhere (SBP, e-wallet): what to show or where to send the buyer, and until when. */
  next_action: {
    type: "display_qr";
    qr: {
      /** The text the QR code encodes (for SBP a https://qr.nspk.ru/... link). */
      payload: string;
      /** The QR code as a data:image/png;base64 or data:image/svg+xml;base64 URL. */
      image_data_url: string;
    };
    /** On a phone: opens the payment in a bank's app. */
    mobile_url?: string;
    /** ISO 8601, UTC, milliseconds. */
    expires_at: string | null;
  } | {
    type: "redirect_to_url";
    /** Where to send the buyer (the wallet's page). */
    url: string;
    /** ISO 8601, UTC, milliseconds. */
    expires_at: string | null;
  } | null;
  /** ISO 8601, UTC, milliseconds. */
  created_at: string;
  /** ISO 8601, UTC, milliseconds. */
  updated_at: string;
}

export interface Refund {
  /** Starts with ref_. */
  id: string;
  object: "refund";
  payment_id: string;
  amount: number;
  currency: string;
  status: "pending" | "succeeded" | "failed";
  reason: string | null;
  failure_code: string | null;
  failure_message: string | null;
  livemode: boolean;
  /** ISO 8601, UTC, milliseconds. */
  created_at: string;
  /** ISO 8601, UTC, milliseconds. */
  updated_at: string;
}

export interface Event {
  /** Starts with evt_. */
  id: string;
  object: "event";
  /** One of core's event types (payment.created, payment.processing, payment.requires_action, payment.authorized, payment.captured, payment.partially_refunded, payment.refunded, payment.declined, payment.failed, payment.canceled, refund.succeeded, refund.failed, bank_operation.reversal_refused, bank_operation.unresolved, bank_operation.late_payment_returned, bank_operation.late_payment_return_failed) or one a plugin registered (docs/plugins.md, "Event types"). */
  type: string;
  /** ISO 8601, UTC, milliseconds. */
  created_at: string;
  livemode: boolean;
  data: {
    /** The payment or refund right after the change. */
    object: {
      id: string;
      object: string;
      [key: string]: unknown;
    };
  };
}

export interface WebhookEndpoint {
  /** Starts with we_. */
  id: string;
  object: "webhook_endpoint";
  url: string;
  events: string[];
  description: string | null;
  /** deleted only in the answer to DELETE. */
  status: "enabled" | "deleted";
  livemode: boolean;
  /** Only in the answers to create and rotate_secret. */
  secret?: string;
  /** ISO 8601, UTC, milliseconds. */
  previous_secret_expires_at: string | null;
  /** ISO 8601, UTC, milliseconds. */
  created_at: string;
}

export interface WebhookDelivery {
  /** Starts with whd_. */
  id: string;
  object: "webhook_delivery";
  endpoint_id: string;
  event_id: string;
  status: "pending" | "delivered" | "failed" | "canceled";
  attempt_count: number;
  /** ISO 8601, UTC, milliseconds. */
  next_attempt_at: string | null;
  /** ISO 8601, UTC, milliseconds. */
  delivered_at: string | null;
  /** ISO 8601, UTC, milliseconds. */
  created_at: string;
  attempts: {
    attempt: number;
    /** ISO 8601, UTC, milliseconds. */
    started_at: string;
    status_code: number | null;
    latency_ms: number;
    response_excerpt: string | null;
    error: string | null;
  }[];
}

export interface ApiKey {
  /** Starts with key_. */
  id: string;
  object: "api_key";
  livemode: boolean;
  kind: "secret" | "publishable";
  label: string | null;
  /** The last characters of the key, for recognising it. */
  display: string;
  /** ISO 8601, UTC, milliseconds. */
  created_at: string;
  /** ISO 8601, UTC, milliseconds. */
  expires_at: string | null;
  /** ISO 8601, UTC, milliseconds. */
  revoked_at: string | null;
  /** The key itself: only in the answers to create and roll. */
  secret?: string;
}

/** The merchant's payment-page branding (docs/branding.md); null means Tender's default. */
export interface Branding {
  object: "branding";
  logo_url: string | null;
  primary_color: string | null;
  background_color: string | null;
  text_color: string | null;
  font: "system" | "serif" | "rounded" | "monospace" | null;
  button_style: "rounded" | "square" | "pill" | null;
  custom_css: string | null;
  template: string | null;
  /** Origins allowed to show the page in an iframe. */
  frame_ancestors: string[];
  /** ISO 8601, UTC, milliseconds. */
  updated_at: string | null;
}

export interface ApiError {
  error: {
    type: "invalid_request_error" | "permission_error" | "idempotency_error" | "state_error" | "authentication_error" | "rate_limit_error" | "not_found_error" | "bank_error" | "api_error";
    /** Documented in docs/errors.md; the HTTP status follows from it. */
    code: "body_invalid_json" | "body_unreadable" | "document_name_invalid" | "parameter_missing" | "parameter_invalid" | "parameter_unknown" | "amount_invalid" | "amount_too_large" | "currency_unsupported" | "card_number_invalid" | "card_expiry_invalid" | "card_cvc_invalid" | "payment_method_unsupported" | "payment_method_unavailable" | "payment_method_expired" | "payment_method_customer_mismatch" | "payment_method_off_session_not_allowed" | "payment_method_cvc_required" | "card_token_used" | "card_token_expired" | "token_origin_not_allowed" | "card_test_number_live" | "webhook_url_scheme_unsupported" | "webhook_url_points_to_gateway" | "webhook_url_private_address" | "webhook_url_unresolvable" | "confirmation_required" | "template_invalid" | "custom_css_invalid" | "idempotency_key_invalid" | "idempotency_key_reused" | "tax_id_invalid" | "bank_not_offered" | "bank_adapter_unknown" | "bank_code_taken" | "phone_number_invalid" | "top_up_operator_unknown" | "top_up_amount_out_of_range" | "top_up_limit_exceeded" | "top_up_not_configured" | "authentication_required" | "api_key_invalid" | "api_key_wrong_kind" | "test_mode_expired" | "merchant_suspended" | "merchant_not_live" | "csrf_token_invalid" | "web_signin_failed" | "web_signin_locked" | "web_session_required" | "web_role_forbidden" | "web_password_weak" | "web_password_link_invalid" | "web_account_exists" | "web_last_owner" | "web_totp_invalid" | "certificate_missing" | "certificate_expired" | "certificate_not_yet_valid" | "certificate_revoked" | "certificate_untrusted" | "certificate_wrong_usage" | "certificate_not_bound" | "signature_invalid" | "signature_replayed" | "signature_stale" | "saleor_install_refused" | "resource_not_found" | "route_not_found" | "payment_invalid_state" | "payment_operation_in_progress" | "risk_review_pending" | "risk_review_closed" | "risk_rules_conflict" | "idempotency_key_in_use" | "merchant_invalid_stage" | "contract_not_signed" | "registration_not_approved" | "account_payments_disabled" | "refund_limit_exceeded" | "schedule_not_active" | "certificate_authority_exists" | "certificate_authority_missing" | "body_too_large" | "content_type_unsupported" | "document_too_large" | "document_type_unsupported" | "loyalty_card_invalid" | "loyalty_card_not_accepted" | "loyalty_insufficient_points" | "loyalty_redeem_too_large" | "loyalty_ledger_busy" | "rate_limited" | "bank_unavailable" | "bank_outcome_unknown" | "no_bank_connection" | "bank_declined" | "write_conflict" | "internal_error";
    message: string;
    /** The parameter at fault, as a dotted path. */
    param?: string;
    /** The request id also sent in the X-Request-Id header; quote it when asking the operator about this answer. */
    request_id?: string;
  };
}

/** The body of POST /v1/applications. */
export interface PostApplicationsBody {
  name: string;
  email: string;
}

/** The body of POST /v1/tokens. */
export interface PostTokensBody {
  card: {
    number?: unknown;
    exp_month?: unknown;
    exp_year?: unknown;
    cvc?: unknown;
    holder_name?: unknown;
  };
  origin?: string;
}

/** The body of POST /v1/account/registration. */
export interface PostAccountRegistrationBody {
  legal_name: string;
  country: string;
  tax_id: string;
  address: string;
  /** An absolute http(s) URL. */
  website: string;
  contact: {
    name: string;
    phone: string;
  };
}

/** The body of POST /v1/account/bank. */
export interface PostAccountBankBody {
  bank: string;
}

/** The body of POST /v1/api_keys. */
export interface PostApiKeysBody {
  kind?: "secret" | "publishable";
  label?: string;
  livemode?: boolean;
}

/** The body of POST /v1/api_keys/{id}/roll. */
export interface PostApiKeysIdRollBody {
  expires_in_hours?: number;
}

/** The body of POST /v1/payments. */
export interface PostPaymentsBody {
  /** Minor units of the currency (10050 is 100.50). */
  amount: number;
  /** An ISO 4217 code this instance supports; lower case is accepted. */
  currency: string;
  order_id: string;
  description?: string;
  capture_method?: "automatic" | "manual";
  /** An absolute http(s) URL. */
  return_url?: string;
  metadata?: Record<string, string>;
  customer_email?: string;
  locale?: "ru" | "en" | "ar";
  customer?: string;
  setup_future_usage?: "on_session" | "off_session";
  off_session?: boolean;
  confirm?: boolean;
  payment_method?: string | {
    type: string;
    [key: string]: unknown;
  };
}

/** The query of GET /v1/payments. */
export interface GetPaymentsQuery {
  order_id?: string;
  status?: "pending" | "processing" | "requires_action" | "authorized" | "captured" | "partially_refunded" | "refunded" | "declined" | "failed" | "canceled";
  limit?: number;
  starting_after?: string;
  updated_since?: string;
}

/** The body of POST /v1/payments/{id}/confirm. */
export interface PostPaymentsIdConfirmBody {
  payment_method: string | {
    type: string;
    [key: string]: unknown;
  };
  customer?: {
    ip?: string;
    email?: string;
  };
  adjustments?: Record<string, unknown>;
}

/** The body of POST /v1/payments/{id}/capture. */
export interface PostPaymentsIdCaptureBody {
  /** Minor units of the currency (10050 is 100.50). */
  amount?: number;
}

/** The body of POST /v1/payments/{id}/cancel. */
export type PostPaymentsIdCancelBody = Record<string, never>;

/** The body of POST /v1/refunds. */
export interface PostRefundsBody {
  payment_id: string;
  /** Minor units of the currency (10050 is 100.50). */
  amount?: number;
  reason?: string;
}

/** The query of GET /v1/refunds. */
export interface GetRefundsQuery {
  payment_id: string;
  limit?: number;
  starting_after?: string;
}

/** The body of POST /v1/payment_links. */
export interface PostPaymentLinksBody {
  /** Minor units of the currency (10050 is 100.50). */
  amount: number;
  /** An ISO 4217 code this instance supports; lower case is accepted. */
  currency: string;
  description: string;
  /** An absolute http(s) URL. */
  return_url?: string;
}

/** The body of PUT /v1/branding. */
export interface PutBrandingBody {
  logo_url?: string | null;
  primary_color?: string | null;
  background_color?: string | null;
  text_color?: string | null;
  font?: "system" | "serif" | "rounded" | "monospace" | null;
  button_style?: "rounded" | "square" | "pill" | null;
  custom_css?: string | null;
  template?: string | null;
  frame_ancestors?: string[] | null;
}

/** The body of POST /v1/branding/preview. */
export type PostBrandingPreviewBody = PutBrandingBody;

/** The body of PUT /v1/routing. */
export interface PutRoutingBody {
  rules: {
    id: string;
    priority: number;
    match: {
      payment_methods?: string[];
      brands?: ("visa" | "mastercard" | "mir")[];
      bin_ranges?: {
        from: string;
        to: string;
      }[];
      currencies?: string[];
      amount_min?: number;
      amount_max?: number;
    };
    targets: {
      bank: string;
      weight: number;
    }[];
  }[];
}

/** The body of PUT /v1/risk/rules. */
export interface PutRiskRulesBody {
  dry_run?: boolean;
  thresholds?: {
    challenge?: number;
    review?: number;
    block?: number;
  };
  challenge_fallback?: "allow" | "review" | "block";
  review?: {
    expire_after_seconds?: number;
    expire_decision?: "approve" | "reject";
  };
  rules?: Record<string, Record<string, unknown>>;
  alerts?: {
    email_merchant?: boolean;
    email_operator?: boolean;
    locale?: "en" | "ru" | "ar";
    patterns?: {
      card_testing?: {
        enabled?: boolean;
        window_seconds?: number;
      };
      declines?: {
        enabled?: boolean;
        window_seconds?: number;
      };
      blocks?: {
        enabled?: boolean;
        threshold?: number;
        window_seconds?: number;
      };
    };
  };
}

/** The query of GET /v1/risk/rules/versions. */
export interface GetRiskRulesVersionsQuery {
  limit?: number;
}

/** The query of GET /v1/risk/reviews. */
export interface GetRiskReviewsQuery {
  status?: "open" | "approved" | "rejected" | "canceled";
  limit?: number;
  starting_after?: string;
}

/** The body of POST /v1/risk/reviews/{id}/approve. */
export type PostRiskReviewsIdApproveBody = PostPaymentsIdCancelBody;

/** The body of POST /v1/risk/reviews/{id}/reject. */
export type PostRiskReviewsIdRejectBody = PostPaymentsIdCancelBody;

/** The query of GET /v1/events. */
export interface GetEventsQuery {
  type?: string;
  object_id?: string;
  limit?: number;
  starting_after?: string;
}

/** The body of POST /v1/events/{id}/redeliver. */
export interface PostEventsIdRedeliverBody {
  endpoint?: string;
}

/** The body of POST /v1/webhook_endpoints. */
export interface PostWebhookEndpointsBody {
  url: string;
  events: string[];
  description?: string;
}

/** The query of GET /v1/webhook_endpoints. */
export interface GetWebhookEndpointsQuery {
  limit?: number;
  starting_after?: string;
}

/** The body of POST /v1/webhook_endpoints/{id}/rotate_secret. */
export type PostWebhookEndpointsIdRotateSecretBody = PostApiKeysIdRollBody;

/** The query of GET /v1/webhook_endpoints/{id}/deliveries. */
export interface GetWebhookEndpointsIdDeliveriesQuery {
  limit?: number;
  starting_after?: string;
}
