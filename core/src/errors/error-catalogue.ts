/**
 * The one catalogue of error codes Tender's HTTP API answers with.
 *
 * Every error response is `{"error": {"type", "code", "message", "param"?}}`; the
 * HTTP status and the type follow from the code. docs/errors.md documents each
 * code, and a unit test fails when a code here is missing from that page.
 *
 * @example
 * ```ts
 * throw new TenderError('amount_too_large', { param: 'amount' });
 * ```
 */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'state_error'
  | 'idempotency_error'
  | 'rate_limit_error'
  | 'bank_error'
  | 'api_error';

export interface ErrorDefinition {
  readonly type: ErrorType;
  readonly status: number;
  readonly message: string;
}

export const ERROR_CATALOGUE = {
  // 400: the request itself is wrong; nothing was changed.
  body_invalid_json: { type: 'invalid_request_error', status: 400, message: 'The request body is not valid JSON.' },
  body_unreadable: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The request body could not be read: it does not match its Content-Encoding or Content-Length.',
  },
  document_name_invalid: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The file name is not acceptable: rename the file (no paths, no control characters, at most 200 characters).',
  },
  parameter_missing: { type: 'invalid_request_error', status: 400, message: 'A required parameter is missing.' },
  parameter_invalid: { type: 'invalid_request_error', status: 400, message: 'A parameter has an invalid value.' },
  parameter_unknown: { type: 'invalid_request_error', status: 400, message: 'The request has a parameter this endpoint does not accept.' },
  amount_invalid: { type: 'invalid_request_error', status: 400, message: 'Amounts are positive integers in the minor unit of the currency.' },
  amount_too_large: { type: 'invalid_request_error', status: 400, message: 'The amount is larger than what is available for this operation.' },
  currency_unsupported: { type: 'invalid_request_error', status: 400, message: 'This currency is not supported by this instance.' },
  card_number_invalid: { type: 'invalid_request_error', status: 400, message: 'The card number is not a valid card number.' },
  card_expiry_invalid: { type: 'invalid_request_error', status: 400, message: 'The card expiry date is invalid or in the past.' },
  card_cvc_invalid: { type: 'invalid_request_error', status: 400, message: 'The card security code must be 3 or 4 digits.' },
  payment_method_unsupported: { type: 'invalid_request_error', status: 400, message: 'This payment method type is not supported.' },
  // The method exists, but no bank connection that serves this payment has the bank capability it needs.
  payment_method_unavailable: { type: 'invalid_request_error', status: 400, message: 'No bank connection can take this payment method for this payment.' },
  // Saved cards and merchant-initiated payments (a card-on-file plugin such as @tender/plugin-saved-cards).
  payment_method_expired: { type: 'invalid_request_error', status: 400, message: 'The saved card has expired; the buyer must give a new card.' },
  payment_method_customer_mismatch: {
    type: 'invalid_request_error',
    status: 400,
    message: 'This saved payment method belongs to another customer; pass the customer it was saved for.',
  },
  payment_method_off_session_not_allowed: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The buyer agreed to this card being used only while present (setup_future_usage on_session); it cannot be charged off session.',
  },
  payment_method_cvc_required: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The merchant asks for the CVC again when a buyer pays with a saved card.',
  },
  // Embedded card fields (docs/embedded-fields.md): single-use card tokens tok_...
  card_token_used: { type: 'invalid_request_error', status: 400, message: 'This card token has already paid a payment; card tokens are single use.' },
  card_token_expired: { type: 'invalid_request_error', status: 400, message: 'This card token has expired; the buyer must enter the card again.' },
  token_origin_not_allowed: {
    type: 'permission_error',
    status: 403,
    message: "This origin is not one of the merchant's registered shop origins (branding frame_ancestors).",
  },
  card_test_number_live: { type: 'invalid_request_error', status: 400, message: 'This is a sandbox test card; live payments take real cards only.' },
  webhook_url_scheme_unsupported: { type: 'invalid_request_error', status: 400, message: 'Webhook URLs must use http or https.' },
  webhook_url_points_to_gateway: { type: 'invalid_request_error', status: 400, message: 'A webhook URL cannot point at this gateway.' },
  webhook_url_private_address: {
    type: 'invalid_request_error',
    status: 400,
    message: 'A webhook URL cannot point at a private, loopback, link-local, multicast or reserved address.',
  },
  webhook_url_unresolvable: { type: 'invalid_request_error', status: 400, message: 'The host of the webhook URL does not resolve.' },
  // A dashboard or console decision (approve or reject a review) sent without its confirmation page's field.
  confirmation_required: { type: 'invalid_request_error', status: 400, message: 'Confirm the decision on its confirmation page; nothing was changed.' },
  template_invalid: { type: 'invalid_request_error', status: 400, message: 'The page template cannot be used; the message names the line and the reason.' },
  custom_css_invalid: { type: 'invalid_request_error', status: 400, message: 'The custom CSS uses something the payment page does not allow.' },
  idempotency_key_invalid: { type: 'idempotency_error', status: 400, message: 'Idempotency-Key must be 1 to 255 printable ASCII characters.' },
  idempotency_key_reused: { type: 'idempotency_error', status: 400, message: 'This Idempotency-Key was already used with a different request.' },
  tax_id_invalid: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The tax id is not valid for this country (for RU: an INN of 10 or 12 digits with correct check digits).',
  },
  bank_not_offered: { type: 'invalid_request_error', status: 400, message: 'The operator does not offer this bank.' },
  bank_adapter_unknown: { type: 'invalid_request_error', status: 400, message: 'No bank adapter with this code is installed.' },
  bank_code_taken: { type: 'invalid_request_error', status: 400, message: 'A bank with this code already exists.' },
  // Mobile top-up (@tender/plugin-top-up, docs/top-up.md): refused before anything is written.
  phone_number_invalid: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The phone number is not a Russian mobile number in E.164 form (+7 9XX XXX-XX-XX).',
  },
  top_up_operator_unknown: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The numbering plan gives this number no operator that top-ups are offered for.',
  },
  top_up_amount_out_of_range: { type: 'invalid_request_error', status: 400, message: 'The amount is outside the limits set for this mobile operator.' },
  top_up_limit_exceeded: { type: 'permission_error', status: 403, message: 'This number has reached its daily top-up limit.' },
  top_up_not_configured: { type: 'state_error', status: 409, message: 'Top-ups are not configured on this gateway yet (PUT /admin/v1/top-up/settings).' },
  // 401 / 403: who is asking.
  authentication_required: { type: 'authentication_error', status: 401, message: 'Send your secret key as "Authorization: Bearer <key>".' },
  api_key_invalid: { type: 'authentication_error', status: 401, message: 'The API key is not valid or has been revoked.' },
  api_key_wrong_kind: { type: 'permission_error', status: 403, message: 'This key cannot be used for this request; use a secret key.' },
  test_mode_expired: {
    type: 'permission_error',
    status: 403,
    message: 'Test mode has ended; register your company (POST /v1/account/registration) or ask the operator to extend it.',
  },
  merchant_suspended: { type: 'permission_error', status: 403, message: 'This merchant is suspended; contact the operator.' },
  merchant_not_live: {
    type: 'permission_error',
    status: 403,
    message: 'This merchant is not live yet: live payments and live payment links are refused until the operator takes it live.',
  },
  csrf_token_invalid: { type: 'permission_error', status: 403, message: 'The form has expired or was not sent from this site; reload the page and try again.' },
  // The dashboard and the console (web/): shown on their pages; the operator API answers JSON.
  web_signin_failed: { type: 'authentication_error', status: 401, message: 'The e-mail, password or code is not right.' },
  web_signin_locked: { type: 'rate_limit_error', status: 429, message: 'Too many failed sign-ins; wait a while before trying again.' },
  web_session_required: { type: 'authentication_error', status: 401, message: 'Sign in to continue.' },
  web_role_forbidden: { type: 'permission_error', status: 403, message: 'Your role does not allow this.' },
  web_password_weak: { type: 'invalid_request_error', status: 400, message: 'Passwords are 10 to 200 characters long.' },
  web_password_link_invalid: { type: 'invalid_request_error', status: 400, message: 'This link has expired or was already used; ask for a new one.' },
  web_account_exists: { type: 'state_error', status: 409, message: 'An account with this e-mail already exists.' },
  web_last_owner: { type: 'state_error', status: 409, message: 'A merchant keeps at least one owner.' },
  web_totp_invalid: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The code does not match; check the time on your device and enter the current code.',
  },
  // 401: certificate authentication of a payer (personal-account payments); nothing is charged.
  certificate_missing: {
    type: 'authentication_error',
    status: 401,
    message: 'No client certificate was presented: sign the request or present a TLS client certificate.',
  },
  certificate_expired: { type: 'authentication_error', status: 401, message: 'The client certificate has expired.' },
  certificate_not_yet_valid: { type: 'authentication_error', status: 401, message: 'The client certificate is not valid yet.' },
  certificate_revoked: { type: 'authentication_error', status: 401, message: 'The client certificate has been revoked.' },
  certificate_untrusted: {
    type: 'authentication_error',
    status: 401,
    message: "The client certificate was not issued by this operator's certificate authority.",
  },
  certificate_wrong_usage: {
    type: 'authentication_error',
    status: 401,
    message: 'The client certificate is not meant for client authentication (keyUsage digitalSignature and extKeyUsage clientAuth are required).',
  },
  certificate_not_bound: { type: 'authentication_error', status: 401, message: 'The client certificate is bound to another payer or account.' },
  signature_invalid: {
    type: 'authentication_error',
    status: 401,
    message: 'The request signature does not match the request (the body, path or signed header was changed).',
  },
  signature_replayed: { type: 'authentication_error', status: 401, message: 'This signed request was already used (its nonce was seen before).' },
  signature_stale: { type: 'authentication_error', status: 401, message: "The signed request's timestamp is too far from the gateway's clock." },
  // 401: a shop platform installing Tender's app (the Saleor app's register call).
  saleor_install_refused: {
    type: 'authentication_error',
    status: 401,
    message: 'The app could not be installed: install it from the manifest URL Tender gave when the store was declared (each such URL installs once).',
  },
  // 404: missing, or not the caller's (never 403 for another merchant's object).
  resource_not_found: { type: 'not_found_error', status: 404, message: 'No such object.' },
  route_not_found: { type: 'not_found_error', status: 404, message: 'No such endpoint.' },
  // 409: the object is not in a state that allows this.
  payment_invalid_state: { type: 'state_error', status: 409, message: 'The payment is not in a state that allows this operation.' },
  payment_operation_in_progress: { type: 'state_error', status: 409, message: 'Another operation on this payment is in progress; retry shortly.' },
  risk_review_pending: { type: 'state_error', status: 409, message: 'The payment is held for risk review; approve the review before capturing.' },
  risk_review_closed: { type: 'state_error', status: 409, message: 'The risk review has already been decided.' },
  risk_rules_conflict: { type: 'state_error', status: 409, message: 'The rule set was changed at the same time; read it again and retry.' },
  idempotency_key_in_use: { type: 'idempotency_error', status: 409, message: 'A request with this Idempotency-Key is still being processed; retry shortly.' },
  merchant_invalid_stage: { type: 'state_error', status: 409, message: 'The merchant is not in an onboarding stage that allows this.' },
  contract_not_signed: { type: 'state_error', status: 409, message: 'The merchant cannot go live before its bank contract is recorded as signed.' },
  registration_not_approved: { type: 'state_error', status: 409, message: "The operator has not approved this merchant's registration yet." },
  account_payments_disabled: { type: 'permission_error', status: 403, message: 'This merchant does not accept payments from personal accounts.' },
  refund_limit_exceeded: { type: 'permission_error', status: 403, message: 'This refund is above what a support user may refund; ask an owner.' },
  schedule_not_active: { type: 'state_error', status: 409, message: 'The schedule is canceled or finished; nothing more will be charged.' },
  certificate_authority_exists: { type: 'state_error', status: 409, message: 'A certificate authority already exists; Tender keeps one.' },
  certificate_authority_missing: { type: 'state_error', status: 409, message: 'The certificate authority has not been created yet (tender ca init).' },
  // 413 / 415
  body_too_large: { type: 'invalid_request_error', status: 413, message: 'The request body is too large.' },
  content_type_unsupported: { type: 'invalid_request_error', status: 415, message: 'Send JSON with "Content-Type: application/json".' },
  document_too_large: { type: 'invalid_request_error', status: 413, message: 'Documents are at most 10 MB.' },
  document_type_unsupported: { type: 'invalid_request_error', status: 415, message: 'Send a PDF, JPEG or PNG file.' },
  // The loyalty plugin (@tender/plugin-loyalty, docs/loyalty.md).
  loyalty_card_invalid: {
    type: 'invalid_request_error',
    status: 400,
    message: 'This is not a loyalty card number: check the digits (the last one is a check digit).',
  },
  loyalty_card_not_accepted: {
    type: 'invalid_request_error',
    status: 400,
    message: 'This loyalty card cannot be used for this payment (another program, merchant, mode or currency).',
  },
  loyalty_insufficient_points: { type: 'invalid_request_error', status: 400, message: 'The loyalty card does not have that many points.' },
  loyalty_redeem_too_large: { type: 'invalid_request_error', status: 400, message: 'That many points would pay more of this payment than the program allows.' },
  loyalty_ledger_busy: { type: 'state_error', status: 409, message: 'The loyalty account changed while this request ran; retry.' },
  // 429
  rate_limited: { type: 'rate_limit_error', status: 429, message: 'Too many requests; retry later.' },
  // 502: the bank could not be asked or did not answer; Tender keeps the operation and resolves it.
  bank_unavailable: { type: 'bank_error', status: 502, message: 'The bank could not complete the operation now; it was not applied.' },
  bank_outcome_unknown: { type: 'bank_error', status: 502, message: 'The bank did not answer in time; Tender will resolve the outcome and report it.' },
  no_bank_connection: { type: 'bank_error', status: 502, message: 'No bank connection can serve this payment.' },
  // 402: the bank answered, and the answer was no (a capture, void or refund it refused).
  bank_declined: { type: 'bank_error', status: 402, message: 'The bank declined the operation.' },
  // 503: the request lost a write race too many times; nothing of it was written.
  write_conflict: {
    type: 'api_error',
    status: 503,
    message: 'The request kept colliding with others changing the same records and was not applied; retry shortly (with the same Idempotency-Key).',
  },
  // 500
  internal_error: { type: 'api_error', status: 500, message: 'Something went wrong on our side; the request may be retried with the same Idempotency-Key.' },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export function errorDefinition(code: ErrorCode): ErrorDefinition {
  return ERROR_CATALOGUE[code];
}
