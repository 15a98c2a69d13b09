# Sourced by the shell tests (test/restore-drill, test/container): a running gateway
# driven through its HTTP API with curl, as an operator and a shop would.
# Set GATEWAY_URL first; `pay` also needs MERCHANT_SECRET.

# One field of a JSON answer on stdin, e.g. `field status` or `field card.last4`.
# node is there anyway (the gateway needs it); jq may not be.
field() {
  node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>{const v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s));process.stdout.write(v===undefined?"":String(v))})' "$1"
}

# api PATH BEARER [curl options...]: a JSON request to the gateway.
api() {
  curl -sS "${GATEWAY_URL}$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' "${@:3}"
}

# wait_healthy PID: until /healthz answers, or the process PID is gone (returns 1).
wait_healthy() {
  for _ in $(seq 1 120); do
    curl -fsS "${GATEWAY_URL}/healthz" >/dev/null 2>&1 && return 0
    if [ -n "${1:-}" ] && ! kill -0 "$1" 2>/dev/null; then return 1; fi
    sleep 0.5
  done
  return 1
}

# new_merchant ADMIN_TOKEN: creates a merchant (operator API), prints its test secret key.
new_merchant() {
  local answer
  answer="$(api /admin/v1/merchants "$1" -d '{"name":"Shell Test Shop","email":"shell-test@shop.example"}')"
  field test_secret_key <<<"$answer"
}

# pay AMOUNT ORDER: creates a payment in RUB and confirms it with the sandbox test card
# 4242 4242 4242 4242; prints "id amount" when it is captured, else fails (returns 1).
pay() {
  local created id paid status
  created="$(api /v1/payments "$MERCHANT_SECRET" -d "{\"amount\":$1,\"currency\":\"RUB\",\"order_id\":\"$2\"}")"
  id="$(field id <<<"$created")"
  if [ -z "$id" ]; then echo "payment not created: $created" >&2; return 1; fi
  paid="$(api "/v1/payments/${id}/confirm" "$MERCHANT_SECRET" -d '{"payment_method":{"type":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":2035,"cvc":"123"}}}')"
  status="$(field status <<<"$paid")"
  if [ "$status" != "captured" ]; then echo "payment ${id} is ${status:-?}, not captured: $paid" >&2; return 1; fi
  echo "$id $1"
}
