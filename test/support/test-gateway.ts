import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Clock, Gateway, OutboundResolver, TenderPlugin, loadConfig } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { dashboardPlugin } from '@tender/dashboard';
import { plugin as accountsPlugin } from '@tender/plugin-accounts';
import { TestDatabase, createTestDatabase } from './test-database';

export const ADMIN_TOKEN = 'adm_test_0123456789abcdefghijklmnop';

export interface TestGateway {
  readonly gateway: Gateway;
  readonly database: TestDatabase;
  readonly dataDir: string;
  /** Everything the gateway logged, as text (only when started with captureLogs). */
  logs(): string;
  /** A merchant in test mode and its secret key. */
  createMerchant(name?: string): Promise<{ id: string; key: string; publishableKey: string }>;
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  readonly clock?: Clock;
  readonly plugins?: readonly TenderPlugin[];
  /** Mount @tender/dashboard after `plugins` (default true, as the default TENDER_PLUGINS does); false: API only. */
  readonly dashboard?: boolean;
  readonly captureLogs?: boolean;
  readonly env?: Record<string, string>;
  /** How the gateway's outbound client resolves names (a rebinding resolver); default the system's. */
  readonly resolver?: OutboundResolver;
}

/** A real gateway on a fresh database of this run's dialect, with the sandbox bank and the dashboard. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const database = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tender-data-'));
  const base = loadConfig({
    TENDER_DATA_DIR: dataDir,
    TENDER_MASTER_KEY: randomBytes(32).toString('base64'),
    TENDER_ADMIN_TOKEN: ADMIN_TOKEN,
    TENDER_PUBLIC_URL: 'http://pay.tender.test',
    TENDER_LOG_LEVEL: options.captureLogs === true ? 'debug' : 'silent',
    TENDER_RECONCILE_INTERVAL_MS: '0',
    ...options.env,
  });
  const config = { ...base, database: database.config };
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  let gateway: Gateway;
  try {
    gateway = await Gateway.create(config, {
      // The gateway's default plugins (config `plugins`): the sandbox bank, personal-account payments, the dashboard.
      plugins: [...(options.plugins ?? [sandboxPlugin, accountsPlugin]), ...(options.dashboard === false ? [] : [dashboardPlugin])],
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.resolver === undefined ? {} : { resolver: options.resolver }),
      ...(options.captureLogs === true ? { logStream: sink } : {}),
    });
  } catch (error) {
    // A gateway that refuses to start (tests of start-up errors) leaves no database behind.
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    gateway,
    database,
    dataDir,
    logs: () => Buffer.concat(chunks).toString('utf8'),
    async createMerchant(name = 'Test Shop') {
      const res = await request(gateway.app)
        .post('/admin/v1/merchants')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ name, email: 'shop@example.com' })
        .expect(201);
      return { id: res.body.id as string, key: res.body.test_secret_key as string, publishableKey: res.body.test_publishable_key as string };
    },
    async close() {
      await gateway.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
