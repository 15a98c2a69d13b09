import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Where the gateway's own code lives (what runs inside a Tender process). */
const GATEWAY_SOURCES = ['core/src', 'plugins/saleor/src', 'plugins/assist-compat/src', 'plugins/accounts/src', 'adapters/sandbox/src', 'adapters/iso8583/src'];

/**
 * Ways to open an outbound connection or send an HTTP request. Only the outbound
 * client (core/src/outbound/) may use them; bank links are raw TCP to an address the
 * operator configured (listed below, not merchant-controlled).
 */
const OUTBOUND_CALLS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bfetch\s*\(/, 'fetch('],
  [/\bfetchImpl\b|\boptions\.fetch\b/, 'an injected fetch'],
  [/\bhttps?\.(request|get)\s*\(/, 'http(s).request/get'],
  [/\btransport\.request\s*\(/, 'transport.request'],
  [/from\s+'undici'|require\('undici'\)/, 'undici'],
  [/import\s+(\*\s+as\s+)?\w+\s+from\s+'(node:)?https?'|import\s*\{[^}]*\b(request|get|Agent)\b[^}]*\}\s*from\s*'(node:)?https?'/, 'node:http(s) import'],
  [/\b(net|tls)\.connect\s*\(|\bcreateConnection\s*\(/, 'a raw socket'],
  [/\bnew\s+WebSocket\s*\(|\bEventSource\s*\(/, 'WebSocket/EventSource'],
];

/** Files allowed to do what the table above finds, and why. */
const ALLOWED: Record<string, string> = {
  'core/src/outbound/outbound-http-client.ts': 'the one outbound HTTP client',
  'core/src/outbound/outbound-connector.ts': "the one outbound HTTP client's connect hook (the address checks at connect time)",
  'core/src/outbound/outbound-exchange.ts': "the one outbound HTTP client's request on its undici pool",
  'core/src/gateway.ts#node:http(s) import': 'the gateway server (inbound)',
  'core/src/certificates/gateway-server.ts#node:http(s) import': 'the gateway server (inbound, TLS)',
  'core/src/observability/probe-server.ts#node:http(s) import': "the worker's probe and metrics server (inbound)",
  'adapters/iso8583/src/simulator/control-server.ts#node:http(s) import': "the bank simulator's control server (inbound, a test tool)",
  'adapters/iso8583/src/link/iso-connection.ts#a raw socket': 'the bank link: ISO 8583 over TCP to the address the operator configured',
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Comments are not calls: strip line and block comments (good enough for this source). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('security: no gateway-initiated request bypasses the outbound client', () => {
  it('finds no direct fetch, http.request, undici or socket outside core/src/outbound', () => {
    const found: string[] = [];
    let scanned = 0;
    for (const root of GATEWAY_SOURCES) {
      for (const file of sourceFiles(path.join(ROOT, root))) {
        scanned++;
        const rel = path.relative(ROOT, file).split(path.sep).join('/');
        const text = code(fs.readFileSync(file, 'utf8'));
        for (const [pattern, what] of OUTBOUND_CALLS) {
          if (!pattern.test(text)) continue;
          if (ALLOWED[rel] !== undefined || ALLOWED[`${rel}#${what}`] !== undefined) continue;
          found.push(`${rel}: ${what}`);
        }
      }
    }
    assert.ok(scanned > 100, `scanned only ${scanned} files`);
    assert.deepEqual(found, []);
  });
});
