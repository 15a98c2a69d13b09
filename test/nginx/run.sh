#!/usr/bin/env bash
# The nginx examples of deploy/nginx/, run for real on loopback with a throwaway CA:
#   tender.conf              TLS at nginx, HTTP to the gateway (TENDER_TRUST_PROXY=loopback):
#                            a card payment through it, captured;
#   tender-passthrough.conf  TLS passed through at layer 4 to a gateway serving HTTPS
#                            itself: the handshake is the gateway's (its certificate, and
#                            it asks for a client certificate), /healthz answers.
# Only the names, ports and file paths of the examples are replaced (sed), nothing else.
# Installs nginx-light and libnginx-mod-stream with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

t0=$(date +%s)
lap() { echo "== nginx test: $* (+$(($(date +%s) - t0)) s)"; }
fail() { echo "nginx test FAILED: $*" >&2; exit 1; }

if ! command -v nginx >/dev/null 2>&1 || [ ! -e /usr/lib/nginx/modules/ngx_stream_module.so ]; then
  lap "installing nginx-light and libnginx-mod-stream"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light libnginx-mod-stream >/dev/null
fi

https_port="${NGINX_TEST_HTTPS_PORT:-18443}"
http_port="${NGINX_TEST_HTTP_PORT:-18480}"
pass_port="${NGINX_TEST_PASSTHROUGH_PORT:-18444}"
gw_port="${NGINX_TEST_GATEWAY_PORT:-18808}"
gw_tls_port="${NGINX_TEST_GATEWAY_TLS_PORT:-18809}"
work="$(mktemp -d /tmp/tender-nginx-test.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

lap "a throwaway CA and a certificate for pay.example.com"
openssl req -x509 -newkey rsa:2048 -nodes -subj '/CN=Tender nginx test CA' -days 2 \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj '/CN=pay.example.com' -keyout "$work/site.key" -out "$work/site.csr" 2>/dev/null
printf 'subjectAltName=DNS:pay.example.com\n' >"$work/site.ext"
openssl x509 -req -in "$work/site.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
  -extfile "$work/site.ext" -out "$work/site.crt" 2>/dev/null

master_key="$(node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))')"
admin_token="adm_nginx_$(node -e 'process.stdout.write(require("crypto").randomBytes(16).toString("hex"))')"
# start_gateway PORT [extra VAR=value ...]: a production gateway on its own SQLite file.
start_gateway() {
  local port="$1"
  shift
  env NODE_ENV=production TENDER_MASTER_KEY="$master_key" TENDER_ADMIN_TOKEN="$admin_token" \
    TENDER_DATA_DIR="$work/data-${port}" DATABASE_URL="sqlite:$work/tender-${port}.sqlite" \
    HOST=127.0.0.1 PORT="$port" TENDER_PUBLIC_URL=https://pay.example.com TENDER_LOG_LEVEL=warn "$@" \
    node core/dist/main.js start >"$work/gateway-${port}.log" 2>&1 &
  pids+=($!)
}
start_gateway "$gw_port" TENDER_TRUST_PROXY=loopback
start_gateway "$gw_tls_port" TENDER_TLS_CERT_FILE="$work/site.crt" TENDER_TLS_KEY_FILE="$work/site.key"

lap "nginx with the two examples"
sed -e "s|127.0.0.1:8080|127.0.0.1:${gw_port}|" \
    -e "s|listen 80;|listen 127.0.0.1:${http_port};|; s|listen \[::\]:80;||" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:${https_port} ssl http2;|; s|listen \[::\]:443 ssl http2;||" \
    -e "s|/etc/ssl/tender/pay.example.com.fullchain.pem|$work/site.crt|; s|/etc/ssl/tender/pay.example.com.key|$work/site.key|" \
    deploy/nginx/tender.conf >"$work/tender.conf"
sed -e "s|127.0.0.1:8443|127.0.0.1:${gw_tls_port}|g" \
    -e "s|listen 443;|listen 127.0.0.1:${pass_port};|; s|listen \[::\]:443;||" \
    deploy/nginx/tender-passthrough.conf >"$work/passthrough.conf"
cat >"$work/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 256; }
include $work/passthrough.conf;
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi;
  scgi_temp_path $work/scgi;
  include $work/tender.conf;
}
EOF
nginx -t -c "$work/nginx.conf" -p "$work" 2>"$work/nginx-t.log" || { cat "$work/nginx-t.log"; fail "nginx -t"; }
nginx -c "$work/nginx.conf" -p "$work" 2>>"$work/nginx-error.log" || { cat "$work/nginx-error.log"; fail "nginx did not start"; }

# shellcheck source=../shell/gateway-api.sh
. test/shell/gateway-api.sh
# curl reaches pay.example.com on loopback and trusts only the throwaway CA.
curl() { command curl --resolve "pay.example.com:${https_port}:127.0.0.1" --resolve "pay.example.com:${pass_port}:127.0.0.1" --cacert "$work/ca.crt" "$@"; }

GATEWAY_URL="https://pay.example.com:${https_port}"
wait_healthy || { cat "$work/gateway-${gw_port}.log" "$work/nginx-error.log"; fail "no /healthz through tender.conf"; }
[ "$(command curl -s -o /dev/null -w '%{redirect_url}' "http://127.0.0.1:${http_port}/pay/x" -H 'Host: pay.example.com')" = "https://pay.example.com/pay/x" ] \
  || fail "port 80 does not redirect to https"
MERCHANT_SECRET="$(new_merchant "$admin_token")"
[ -n "$MERCHANT_SECRET" ] || fail "no merchant through tender.conf"
paid="$(pay 2500 nginx-terminated)" || fail "payment through tender.conf"
lap "tender.conf: payment ${paid%% *} captured through nginx (TLS at nginx)"

GATEWAY_URL="https://pay.example.com:${pass_port}"
wait_healthy || { cat "$work/gateway-${gw_tls_port}.log" "$work/nginx-error.log"; fail "no /healthz through tender-passthrough.conf"; }
handshake="$(openssl s_client -connect "127.0.0.1:${pass_port}" -servername pay.example.com -CAfile "$work/ca.crt" </dev/null 2>/dev/null || true)"
grep -q 'Verify return code: 0 (ok)' <<<"$handshake" || fail "the passed-through handshake is not the gateway's certificate"
# The gateway asks for a client certificate (it serves the payer CA's name as acceptable).
grep -Eq 'Acceptable client certificate CA names|Requested Signature Algorithms|Client Certificate Types' <<<"$handshake" \
  || fail "the gateway behind the pass-through asks for no client certificate"
lap "tender-passthrough.conf: TLS reaches the gateway, which asks for a client certificate"
lap "OK"
