import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { MERCHANT_STAGES } from '@tender/core/dist/merchants/merchant-stage-machine';
import { CONSOLE_SECTIONS } from '@tender/dashboard/dist/console/sections';
import { WEB_TEMPLATES_DIR } from '@tender/dashboard';

const ROOT = WEB_TEMPLATES_DIR;

function flatten(node: Record<string, unknown>, prefix = ''): Set<string> {
  const out = new Set<string>();
  for (const [k, v] of Object.entries(node)) {
    if (typeof v === 'string') out.add(prefix + k);
    else for (const key of flatten(v as Record<string, unknown>, `${prefix}${k}.`)) out.add(key);
  }
  return out;
}

function templates(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? templates(path.join(dir, e.name)) : e.name.endsWith('.hbs') ? [path.join(dir, e.name)] : []));
}

describe('console locales', () => {
  // Every area folder's files: the console's texts, and the console blocks other areas add (review/: review decisions, audit people, the rules form).
  const areas = fs
    .readdirSync(path.join(ROOT, 'locales'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const locales = Object.fromEntries(
    ['en', 'ru', 'ar'].map((l) => [
      l,
      new Set(
        areas.flatMap((area) => {
          const file = path.join(ROOT, 'locales', area, `${l}.json`);
          return fs.existsSync(file) ? [...flatten(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>)] : [];
        }),
      ),
    ]),
  );

  it('has the same keys in en, ru and ar', () => {
    assert.deepEqual([...locales.ru].sort(), [...locales.en].sort());
    assert.deepEqual([...locales.ar].sort(), [...locales.en].sort());
  });

  it('has every key the console templates and screens use', () => {
    const used = new Set<string>();
    for (const file of templates(path.join(ROOT, 'console'))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?:t|label=)\s*"((?:console|risk_form)\.[a-z_.]+)"/g)) used.add(m[1] ?? '');
    }
    for (const stage of MERCHANT_STAGES) used.add(`console.stage.${stage}`);
    for (const action of ['approve', 'extend_test_mode', 'contract', 'go_live', 'suspend', 'resume']) {
      used.add(`console.merchant.action.${action}`);
      used.add(`console.merchant.done.${action}`);
    }
    for (const state of ['closed', 'open', 'half_open']) used.add(`console.breaker.${state}`);
    for (const verdict of ['approve', 'reject'])
      for (const k of ['confirm_title_', 'confirm_warning_', 'confirm_button_']) used.add(`console.review.${k}${verdict}`);
    for (const s of CONSOLE_SECTIONS) if (s.navKey !== undefined) used.add(s.navKey);
    for (const title of ['merchants', 'merchant', 'banks', 'routing', 'tester', 'risk', 'audit', 'certificates', 'not_found'])
      used.add(`console.${title}.title`);
    // `(concat "console.review.confirm_title_" verdict)` and `(concat "console.stage." stage)` name families, listed in full above.
    const missing = [...used].filter((k) => !k.endsWith('_') && !k.endsWith('.') && !locales.en.has(k));
    assert.deepEqual(missing, []);
    assert.ok(used.size > 100);
  });

  it('lists every console section for operators only', () => {
    assert.deepEqual(
      CONSOLE_SECTIONS.map((s) => s.path),
      ['/merchants', '/banks', '/routing', '/routing-tester', '/risk', '/audit', '/certificates'],
    );
    for (const s of CONSOLE_SECTIONS) assert.deepEqual(s.roles, ['operator']);
  });
});
