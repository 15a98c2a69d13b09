import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, NO_PLUGIN_SETTINGS, PluginSettings, definePlugin, loadConfig, optionVariable, resolvePluginOptions, shortNameOf } from '@tender/core';
import { plugin as isoPlugin } from '@tender/adapter-iso8583';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';

const acme = definePlugin({
  name: '@acme/tender-plugin-loyalty-points',
  version: '1.0.0',
  coreRange: '*',
  options: z.object({
    apiUrl: z.string().url(),
    maxPoints: z.number().int().min(1).default(100),
    enabled: z.boolean().default(false),
    ratio: z.number().optional(),
    currencies: z.array(z.string().length(3)).default(['RUB']),
  }),
  setup: () => undefined,
});

const settings = (variables: Record<string, string>, fromFile: PluginSettings['fromFile'] = {}): PluginSettings => ({
  ...NO_PLUGIN_SETTINGS,
  variables,
  fromFile,
});

describe('plugin options: names, variables and validation', () => {
  it('derives the short name and the variable of each option', () => {
    assert.equal(shortNameOf('@tender/adapter-iso8583'), 'iso8583');
    assert.equal(shortNameOf('@tender/plugin-assist-compat'), 'assist-compat');
    assert.equal(shortNameOf('@acme/tender-plugin-loyalty-points'), 'loyalty-points');
    assert.equal(shortNameOf('plain'), 'plain');
    assert.equal(optionVariable('@tender/adapter-iso8583', 'poolSize'), 'TENDER_PLUGIN_ISO8583_POOL_SIZE');
    assert.equal(optionVariable('@tender/plugin-assist-compat', 'retryBaseMs'), 'TENDER_PLUGIN_ASSIST_COMPAT_RETRY_BASE_MS');
    assert.equal(optionVariable(acme.name, 'apiUrl'), 'TENDER_PLUGIN_LOYALTY_POINTS_API_URL');
  });

  it('coerces variables to numbers, booleans and lists as the schema says, and applies defaults', () => {
    const options = resolvePluginOptions(
      acme,
      settings({
        TENDER_PLUGIN_LOYALTY_POINTS_API_URL: 'https://loyalty.example/api',
        TENDER_PLUGIN_LOYALTY_POINTS_MAX_POINTS: '250',
        TENDER_PLUGIN_LOYALTY_POINTS_ENABLED: 'yes',
        TENDER_PLUGIN_LOYALTY_POINTS_RATIO: '-1.5',
        TENDER_PLUGIN_LOYALTY_POINTS_CURRENCIES: 'RUB, EUR',
      }),
    );
    assert.deepEqual(options, { apiUrl: 'https://loyalty.example/api', maxPoints: 250, enabled: true, ratio: -1.5, currencies: ['RUB', 'EUR'] });
    assert.deepEqual(
      resolvePluginOptions(acme, settings({ TENDER_PLUGIN_LOYALTY_POINTS_API_URL: 'https://l.example', TENDER_PLUGIN_LOYALTY_POINTS_ENABLED: '0' })),
      { apiUrl: 'https://l.example', maxPoints: 100, enabled: false, currencies: ['RUB'] },
    );
  });

  it('takes the config file section (by package or short name), a variable winning over it', () => {
    const fromFile = { 'loyalty-points': { apiUrl: 'https://file.example', maxPoints: 7 } };
    assert.deepEqual(resolvePluginOptions(acme, settings({}, fromFile)).maxPoints, 7);
    assert.deepEqual(resolvePluginOptions(acme, settings({ TENDER_PLUGIN_LOYALTY_POINTS_MAX_POINTS: '9' }, fromFile)).maxPoints, 9);
    assert.equal(resolvePluginOptions(acme, settings({}, { [acme.name]: { apiUrl: 'https://full.example' } })).apiUrl, 'https://full.example');
  });

  it('refuses bad options with an error naming the plugin, the option and where to set it', () => {
    assert.throws(
      () => resolvePluginOptions(acme, NO_PLUGIN_SETTINGS),
      (e: Error) =>
        e.message.startsWith(
          'plugin @acme/tender-plugin-loyalty-points: option apiUrl: Required (TENDER_PLUGIN_LOYALTY_POINTS_API_URL or plugins["@acme/tender-plugin-loyalty-points"].apiUrl in TENDER_CONFIG_FILE)',
        ),
    );
    assert.throws(
      () => resolvePluginOptions(isoPlugin, settings({ TENDER_PLUGIN_ISO8583_HOST: 'h', TENDER_PLUGIN_ISO8583_POOL_SIZE: '65' })),
      /plugin @tender\/adapter-iso8583: option poolSize: Number must be less than or equal to 64/,
    );
    assert.throws(
      () => resolvePluginOptions(acme, settings({ TENDER_PLUGIN_LOYALTY_POINTS_API_URL: 'https://l.example', TENDER_PLUGIN_LOYALTY_POINTS_ENABLED: 'maybe' })),
      /option enabled: Expected boolean, received string/,
    );
    assert.throws(
      () => resolvePluginOptions(acme, settings({}, { [acme.name]: { apiUrl: 'https://l.example', maxPoint: 3 } })),
      /plugin @acme\/tender-plugin-loyalty-points: option maxPoint: unknown option/,
    );
    assert.throws(
      () => resolvePluginOptions(sandboxPlugin, settings({ TENDER_PLUGIN_SANDBOX_LATENCY_MS: '-5' })),
      /plugin @tender\/adapter-sandbox: option latencyMs: Number must be greater than or equal to 0/,
    );
  });

  it('reads the config file and the variables in loadConfig; the old variable names still work', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-config-'));
    try {
      const file = path.join(dir, 'tender.json');
      fs.writeFileSync(file, JSON.stringify({ plugins: { '@tender/adapter-iso8583': { host: '10.0.0.5', port: 9000 } } }));
      const config = loadConfig({ TENDER_CONFIG_FILE: file, TENDER_ISO8583_POOL_SIZE: '4', TENDER_PLUGIN_ISO8583_DEADLINE_MS: '2000' }, dir);
      assert.equal(config.pluginSettings.file, file);
      assert.deepEqual(config.pluginSettings.deprecated, [{ used: 'TENDER_ISO8583_POOL_SIZE', instead: 'TENDER_PLUGIN_ISO8583_POOL_SIZE' }]);
      assert.deepEqual(resolvePluginOptions(isoPlugin, config.pluginSettings), {
        host: '10.0.0.5',
        port: 9000,
        poolSize: 4,
        deadlineMs: 2000,
        reversalAlertAfter: 3,
      });
      // The new name wins over the old one.
      const both = loadConfig({ TENDER_SANDBOX_LATENCY_MS: '5', TENDER_PLUGIN_SANDBOX_LATENCY_MS: '7' }, dir);
      assert.equal(resolvePluginOptions(sandboxPlugin, both.pluginSettings).latencyMs, 7);

      fs.writeFileSync(file, JSON.stringify({ plugin: {} }));
      assert.throws(
        () => loadConfig({ TENDER_CONFIG_FILE: file }, dir),
        (e: Error) => e instanceof ConfigError && /unknown section "plugin"/.test(e.message),
      );
      fs.writeFileSync(file, '{ not json');
      assert.throws(() => loadConfig({ TENDER_CONFIG_FILE: file }, dir), ConfigError);
      fs.writeFileSync(file, JSON.stringify({ plugins: { x: 3 } }));
      assert.throws(() => loadConfig({ TENDER_CONFIG_FILE: file }, dir), /plugins\["x"\] must be an object of options/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a manifest that is not one', () => {
    assert.throws(
      () => definePlugin({ name: 'x', version: '1', coreRange: '*', options: z.string() as never, setup: () => undefined }),
      /options must be a zod object schema/,
    );
    const m = { name: '001', up: async () => undefined };
    assert.throws(
      () => definePlugin({ name: 'x', version: '1', coreRange: '*', migrations: [m, m], setup: () => undefined }),
      /two migrations are named '001'/,
    );
    assert.throws(
      () => definePlugin({ name: 'x', version: '1', coreRange: '*', migrations: [{ name: '../evil', up: async () => undefined }], setup: () => undefined }),
      /every migration needs a name/,
    );
  });
});
