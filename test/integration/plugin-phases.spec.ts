import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Router } from 'express';
import request from 'supertest';
import { injectable } from 'tsyringe';
import { z } from 'zod';
import { PaymentService, PluginError, ScreenRegistry, EmailTemplateRegistry, definePlugin } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { TestGateway, startTestGateway } from '../support/test-gateway';
import { createTestDatabase } from '../support/test-database';

/** A plugin service with constructor injection, registered by the plugin. */
@injectable()
class GreetingService {
  constructor(private readonly payments: PaymentService) {}
  greet(who: string): string {
    return `hello ${who} from ${this.payments.constructor.name}`;
  }
}

describe('plugins: the register and start phases', function () {
  // Each refused start migrates a fresh database first (slow on MariaDB).
  this.timeout(180_000);
  it('runs setup, then migrations-ready core, then start in plugin order, stop in reverse; registrations only during setup', async () => {
    const calls: string[] = [];
    let lateRegistration: (() => void) | undefined;
    const emailDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-plugin-mail-'));
    fs.mkdirSync(path.join(emailDir, 'locales'));
    fs.writeFileSync(path.join(emailDir, 'greeter.welcome.html.hbs'), '<p>{{s.body}}</p>');
    fs.writeFileSync(path.join(emailDir, 'greeter.welcome.txt.hbs'), '{{s.body}}');
    fs.writeFileSync(
      path.join(emailDir, 'locales', 'en.json'),
      JSON.stringify({ dir: 'ltr', 'greeter.welcome': { subject: 'Welcome {{name}}', body: 'Hi {{name}}' } }),
    );
    const greeter = definePlugin({
      name: '@acme/tender-plugin-greeter',
      version: '1.0.0',
      coreRange: '^0.1.0',
      options: z.object({ greeting: z.string().default('hello') }),
      migrations: [{ name: '001-greetings', up: (db) => db.schema.createTable('greeter_greetings', (t) => void t.string('id', 40).primary()) }],
      setup(ctx) {
        calls.push(`setup:${ctx.options.greeting}`);
        // Infrastructure is there at once; the migrations already ran.
        assert.ok(ctx.core.database);
        assert.throws(() => ctx.core.payments, /ctx.core.payments is available from the start phase on/);
        assert.throws(() => ctx.resolve(PaymentService), /resolve is available from the start phase on/);
        ctx.registerService(GreetingService);
        ctx.registerRoutes(
          '/hello',
          Router().get('/', (_req, res) => void res.json({ greeting: ctx.resolve(GreetingService).greet('shop') })),
        );
        ctx.registerScreen({ area: 'console', path: '/greetings', title: 'Greetings', render: () => '<p>hi</p>' });
        ctx.registerEmailTemplate({ name: 'greeter.welcome', dir: emailDir });
        lateRegistration = () => ctx.registerRoutes('/late', Router());
        return {
          start: async () => {
            calls.push('start:greeter');
            assert.equal(await ctx.core.database.schema.hasTable('greeter_greetings'), true);
            assert.ok(ctx.core.payments instanceof PaymentService);
          },
          stop: () => void calls.push('stop:greeter'),
        };
      },
    });
    const second = definePlugin({
      name: 'second',
      version: '1.0.0',
      coreRange: '*',
      setup() {
        calls.push('setup:second');
        return { start: () => void calls.push('start:second'), stop: () => void calls.push('stop:second') };
      },
    });
    const t = await startTestGateway({ plugins: [sandboxPlugin, greeter, second], env: { TENDER_PLUGIN_GREETER_GREETING: 'hej' } });
    try {
      assert.deepEqual(calls, ['setup:hej', 'setup:second', 'start:greeter', 'start:second']);
      assert.throws(
        () => lateRegistration?.(),
        (e: Error) => e instanceof PluginError && /registerRoutes is a registration, accepted only while its setup runs/.test(e.message),
      );
      // Own routes live under /plugins/<short-name>.
      assert.deepEqual((await request(t.gateway.app).get('/plugins/greeter/hello').expect(200)).body, { greeting: 'hello shop from PaymentService' });
      await request(t.gateway.app).get('/hello').expect(404);
      const screens = t.gateway.container.resolve(ScreenRegistry).list('console');
      assert.deepEqual(
        screens.map((s) => [s.plugin, s.path, s.title]),
        [['@acme/tender-plugin-greeter', '/greetings', 'Greetings']],
      );
      const mail = t.gateway.container.resolve(EmailTemplateRegistry).render('greeter.welcome', 'en', { name: '<Ann>' });
      assert.deepEqual(mail, { subject: 'Welcome <Ann>', html: '<p>Hi &lt;Ann&gt;</p>', text: 'Hi <Ann>' });
    } finally {
      await t.close();
      fs.rmSync(emailDir, { recursive: true, force: true });
    }
    assert.deepEqual(calls.slice(-2), ['stop:second', 'stop:greeter']);
  });

  it('when a start fails, stops the plugins already started (and only those) and does not start', async () => {
    const calls: string[] = [];
    const lifecycle = (name: string, fail = false) =>
      definePlugin({
        name,
        version: '1.0.0',
        coreRange: '*',
        setup: () => ({
          start: () => {
            if (fail) throw new Error('link down');
            calls.push(`start:${name}`);
          },
          stop: () => void calls.push(`stop:${name}`),
        }),
      });
    await assert.rejects(
      startTestGateway({ plugins: [sandboxPlugin, lifecycle('first'), lifecycle('broken', true), lifecycle('third')] }),
      /^Error: plugin broken: start failed: link down/,
    );
    assert.deepEqual(calls, ['start:first', 'stop:first']);
  });

  it('stops before touching the database when an option is bad or no loaded plugin takes a variable', async () => {
    const database = await createTestDatabase();
    try {
      const needsUrl = definePlugin({
        name: 'needs-url',
        version: '1.0.0',
        coreRange: '*',
        options: z.object({ url: z.string().url() }),
        migrations: [{ name: '001', up: (db) => db.schema.createTable('needs_url', (t) => void t.string('id').primary()) }],
        setup: () => undefined,
      });
      const { Gateway, loadConfig } = await import('@tender/core');
      const config = {
        ...loadConfig({
          TENDER_LOG_LEVEL: 'silent',
          TENDER_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
          TENDER_ADMIN_TOKEN: 'adm_test_0123456789abcdefghijklmnop',
          TENDER_DATA_DIR: os.tmpdir(),
          TENDER_PLUGIN_NEEDS_URL_URL: 'not a url',
        }),
        database: database.config,
      };
      await assert.rejects(Gateway.create(config, { plugins: [needsUrl] }), /^Error: plugin needs-url: option url: Invalid url/);
      const typo = {
        ...config,
        pluginSettings: {
          ...config.pluginSettings,
          variables: { TENDER_PLUGIN_NEEDS_URL_URL: 'https://x.example', TENDER_PLUGIN_NEEDS_URL_URI: 'https://x.example' },
        },
      };
      await assert.rejects(Gateway.create(typo, { plugins: [needsUrl] }), /TENDER_PLUGIN_NEEDS_URL_URI names no option of a loaded plugin/);
      if (database.sqliteFile !== undefined) assert.equal(fs.existsSync(database.sqliteFile), false, 'no database file was even created');
    } finally {
      await database.drop();
    }
  });

  it("refuses public paths inside core's prefixes, among core's /pay/<token> pages or overlapping another plugin's", async () => {
    const claiming = (publicPath: string) =>
      definePlugin({
        name: `claims${publicPath.replace(/[^a-z]/g, '-')}`,
        version: '1',
        coreRange: '*',
        setup: (ctx) => ctx.registerRoutes('/', Router(), { publicPaths: [publicPath] }),
      });
    for (const [claim, message] of [
      ['/v1/payments', /collides with core's \/v1/],
      ['/pay/abc', /collides with core's \/pay\/<token> pages/],
      ['/plugins/other', /collides with core's \/plugins/],
      ['/sandbox/3ds/challenge', /overlaps '\/sandbox\/3ds' of plugin @tender\/adapter-sandbox/],
    ] as const) {
      let t: TestGateway | undefined;
      try {
        await assert.rejects(async () => {
          t = await startTestGateway({ plugins: [sandboxPlugin, claiming(claim)] });
        }, message);
      } finally {
        await t?.close();
      }
    }
  });
});
