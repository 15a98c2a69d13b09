<?php
/**
 * Plugin Name: Tender Payments for WooCommerce
 * Description: Card payments on a Tender gateway's payment page (server-to-server API, signed webhooks, refunds).
 * Version: 0.1.0
 * Requires PHP: 7.4
 * WC requires at least: 7.0
 * License: Apache-2.0
 *
 * A minimal starting point: classic checkout only (the block checkout needs an extra
 * AbstractPaymentMethodType registration), one currency exponent table, no admin UI
 * beyond the settings form.
 */

if (!defined('ABSPATH')) {
    exit;
}

/** Tender-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=...] */
function tender_verify_signature(string $raw_body, string $header, string $secret, int $tolerance = 300, ?int $now = null): bool
{
    $timestamp = null;
    $signatures = [];
    foreach (explode(',', $header) as $part) {
        $kv = explode('=', trim($part), 2);
        if (count($kv) !== 2) {
            continue;
        }
        if ($kv[0] === 't') {
            $timestamp = $kv[1];
        } elseif ($kv[0] === 'v1') {
            $signatures[] = $kv[1];
        }
    }
    if ($timestamp === null || !ctype_digit($timestamp) || !$signatures) {
        return false;
    }
    if (abs(($now ?? time()) - (int) $timestamp) > $tolerance) {
        return false;
    }
    $expected = hash_hmac('sha256', $timestamp . '.' . $raw_body, $secret);
    foreach ($signatures as $signature) {
        if (hash_equals($expected, strtolower($signature))) {
            return true;
        }
    }
    return false;
}

/** Decimal amount (major units, as WooCommerce keeps it) to Tender's integer minor units. */
function tender_minor_units(string $amount, string $currency): int
{
    $zero = ['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VND', 'VUV', 'XAF', 'XOF', 'XPF'];
    $three = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'];
    $digits = in_array($currency, $zero, true) ? 0 : (in_array($currency, $three, true) ? 3 : 2);
    if (!preg_match('/^(\d+)(?:\.(\d+))?$/', trim($amount), $m)) {
        throw new InvalidArgumentException("Not an amount: $amount");
    }
    $fraction = rtrim($m[2] ?? '', '0');
    if (strlen($fraction) > $digits) {
        throw new InvalidArgumentException("$amount $currency is finer than the currency's minor unit");
    }
    return (int) ($m[1] . str_pad($fraction, $digits, '0'));
}

add_action('plugins_loaded', function () {
    if (!class_exists('WC_Payment_Gateway')) {
        return;
    }

    class WC_Gateway_Tender extends WC_Payment_Gateway
    {
        public function __construct()
        {
            $this->id = 'tender';
            $this->method_title = 'Tender';
            $this->method_description = 'Card payments on the Tender payment page.';
            $this->has_fields = false;
            $this->supports = ['products', 'refunds'];
            $this->init_form_fields();
            $this->init_settings();
            $this->title = $this->get_option('title');
            $this->description = $this->get_option('description');
            add_action('woocommerce_update_options_payment_gateways_' . $this->id, [$this, 'process_admin_options']);
            // Webhook URL: https://shop.example/?wc-api=tender
            add_action('woocommerce_api_tender', [$this, 'handle_webhook']);
        }

        public function init_form_fields()
        {
            $this->form_fields = [
                'enabled' => ['title' => 'Enable', 'type' => 'checkbox', 'label' => 'Accept cards through Tender', 'default' => 'no'],
                'title' => ['title' => 'Title', 'type' => 'text', 'default' => 'Card'],
                'description' => ['title' => 'Description', 'type' => 'textarea', 'default' => 'Pay by card on a secure payment page.'],
                'base_url' => ['title' => 'Gateway URL', 'type' => 'text', 'description' => 'For example https://pay.example.com'],
                'secret_key' => ['title' => 'Secret key', 'type' => 'password', 'description' => 'sk_test_... while testing, sk_live_... in production'],
                'webhook_secret' => ['title' => 'Webhook secret', 'type' => 'password', 'description' => 'whsec_... of the webhook endpoint pointing at ' . esc_html(add_query_arg('wc-api', 'tender', home_url('/')))],
            ];
        }

        /** One call to Tender's API. Network errors and 5xx are retried with the same Idempotency-Key. */
        private function api(string $method, string $path, ?array $body = null, ?string $idempotency_key = null): array
        {
            $args = [
                'method' => $method,
                'timeout' => 30,
                'redirection' => 0,
                'headers' => ['Authorization' => 'Bearer ' . $this->get_option('secret_key'), 'Accept' => 'application/json'],
            ];
            if ($body !== null) {
                $args['headers']['Content-Type'] = 'application/json';
                $args['body'] = wp_json_encode($body);
            }
            if ($method === 'POST') {
                $args['headers']['Idempotency-Key'] = $idempotency_key ?? wp_generate_uuid4();
            }
            $url = rtrim($this->get_option('base_url'), '/') . $path;
            $last = 'no answer';
            for ($attempt = 0; $attempt < 3; $attempt++) {
                if ($attempt > 0) {
                    usleep(200000 * $attempt);
                }
                $response = wp_remote_request($url, $args);
                if (is_wp_error($response)) {
                    $last = $response->get_error_message();
                    continue;
                }
                $status = (int) wp_remote_retrieve_response_code($response);
                $json = json_decode(wp_remote_retrieve_body($response), true);
                if ($status >= 200 && $status < 300 && is_array($json)) {
                    return $json;
                }
                $code = $json['error']['code'] ?? 'http_' . $status;
                $last = $code . ': ' . ($json['error']['message'] ?? '');
                if ($status < 500 && $code !== 'idempotency_key_in_use' && $code !== 'payment_operation_in_progress') {
                    break;
                }
            }
            throw new Exception('Tender: ' . $last);
        }

        public function process_payment($order_id)
        {
            $order = wc_get_order($order_id);
            $currency = $order->get_currency();
            try {
                $amount = tender_minor_units(wc_format_decimal($order->get_total(), wc_get_price_decimals()), $currency);
                // The same order and amount always map to the same Tender payment.
                $payment = $this->api('POST', '/v1/payments', [
                    'amount' => $amount,
                    'currency' => $currency,
                    'order_id' => (string) $order->get_order_number(),
                    'description' => sprintf('Order %s', $order->get_order_number()),
                    'return_url' => $this->get_return_url($order),
                    'metadata' => ['wc_order_id' => (string) $order->get_id()],
                ], 'wc-' . $order->get_id() . '-' . $amount . '-' . $currency);
            } catch (Exception $e) {
                wc_add_notice('The payment could not be started. Please try again.', 'error');
                $order->add_order_note($e->getMessage());
                return ['result' => 'failure'];
            }
            $order->update_meta_data('_tender_payment_id', $payment['id']);
            $order->set_transaction_id($payment['id']);
            $order->save();
            return ['result' => 'success', 'redirect' => $payment['payment_url']];
        }

        public function handle_webhook()
        {
            $raw = file_get_contents('php://input');
            $header = isset($_SERVER['HTTP_TENDER_SIGNATURE']) ? wp_unslash($_SERVER['HTTP_TENDER_SIGNATURE']) : '';
            if (!tender_verify_signature($raw, $header, $this->get_option('webhook_secret'))) {
                status_header(400);
                exit('bad signature');
            }
            $event = json_decode($raw, true);
            $object = $event['data']['object'] ?? [];
            $payment_id = ($object['object'] ?? '') === 'refund' ? ($object['payment_id'] ?? '') : ($object['id'] ?? '');
            $order_id = (int) ($object['metadata']['wc_order_id'] ?? 0);
            if ($order_id === 0 && $payment_id !== '') {
                $orders = wc_get_orders(['limit' => 1, 'meta_key' => '_tender_payment_id', 'meta_value' => $payment_id]);
                $order_id = $orders ? $orders[0]->get_id() : 0;
            }
            $order = $order_id ? wc_get_order($order_id) : false;
            // Acknowledge events for orders this shop does not know, or Tender retries them for days.
            if (!$order || $order->get_meta('_tender_payment_id') !== $payment_id) {
                status_header(200);
                exit('ignored');
            }
            switch ($event['type'] ?? '') {
                case 'payment.captured':
                    if (!$order->is_paid()) {
                        $order->payment_complete($payment_id);
                    }
                    break;
                case 'payment.authorized':
                    // Webhooks arrive in no particular order: an authorization that arrives
                    // after the capture must not put a paid order back on hold.
                    if (!$order->is_paid()) {
                        $order->update_status('on-hold', 'Tender: authorized, capture it in your Tender dashboard or API.');
                    }
                    break;
                case 'payment.declined':
                case 'payment.failed':
                    // The buyer may still retry on the payment page; the order stays pending.
                    $order->add_order_note('Tender: ' . ($object['failure_message'] ?? $event['type']));
                    break;
                case 'payment.canceled':
                    if (!$order->is_paid()) {
                        $order->update_status('cancelled', 'Tender: payment canceled.');
                    }
                    break;
                case 'refund.succeeded':
                case 'refund.failed':
                    $order->add_order_note(sprintf('Tender: refund %s %s.', $object['id'] ?? '', $event['type'] === 'refund.succeeded' ? 'succeeded' : 'failed'));
                    break;
            }
            status_header(200);
            exit('ok');
        }

        public function process_refund($order_id, $amount = null, $reason = '')
        {
            $order = wc_get_order($order_id);
            $payment_id = $order->get_meta('_tender_payment_id');
            if (!$payment_id) {
                return new WP_Error('tender_refund', 'This order was not paid through Tender.');
            }
            try {
                $body = ['payment_id' => $payment_id, 'reason' => $reason !== '' ? $reason : null];
                if ($amount !== null) {
                    $body['amount'] = tender_minor_units(wc_format_decimal($amount, wc_get_price_decimals()), $order->get_currency());
                }
                $refund = $this->api('POST', '/v1/refunds', array_filter($body, fn($v) => $v !== null));
            } catch (Exception $e) {
                return new WP_Error('tender_refund', $e->getMessage());
            }
            if ($refund['status'] === 'failed') {
                return new WP_Error('tender_refund', 'Tender: ' . ($refund['failure_message'] ?? 'the bank refused the refund'));
            }
            $order->add_order_note(sprintf('Tender refund %s: %s.', $refund['id'], $refund['status']));
            return true;
        }
    }

    add_filter('woocommerce_payment_gateways', function ($gateways) {
        $gateways[] = 'WC_Gateway_Tender';
        return $gateways;
    });
});
