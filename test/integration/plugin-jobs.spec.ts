import assert from 'node:assert/strict';
import { Router } from 'express';
import request from 'supertest';
import { callerOf, definePlugin } from '@tender/core';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { ADMIN_TOKEN, startTestGateway } from '../support/test-gateway';

describe('plugin context: background jobs and scoped routes', function () {
  it('starts plugin jobs with the background jobs, stops them on close, and mounts admin and API routes behind their auth', async () => {
    const calls: string[] = [];
    const probe = definePlugin({
      name: 'probe',
      version: '0.0.1',
      coreRange: '^0.1.0',
      setup(ctx) {
        ctx.registerBackgroundJob({ name: 'probe-job', start: () => calls.push('start'), stop: async () => void calls.push('stop') });
        ctx.registerAdminRoutes(
          '/probe',
          Router().get('/', (_req, res) => void res.json({ admin: true })),
        );
        ctx.registerApiRoutes(
          '/probe',
          Router().get('/', (_req, res) => void res.json({ merchant: callerOf(res).merchantId })),
        );
      },
    });
    const t = await startTestGateway({ plugins: [sandboxPlugin, probe] });
    try {
      assert.deepEqual(calls, [], 'nothing runs before the gateway starts its jobs');
      t.gateway.startBackgroundJobs();
      assert.deepEqual(calls, ['start']);
      await request(t.gateway.app).get('/admin/v1/probe').expect(401);
      assert.deepEqual((await request(t.gateway.app).get('/admin/v1/probe').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200)).body, { admin: true });
      const merchant = await t.createMerchant();
      await request(t.gateway.app).get('/v1/probe').expect(401);
      assert.deepEqual((await request(t.gateway.app).get('/v1/probe').set('Authorization', `Bearer ${merchant.key}`).expect(200)).body, {
        merchant: merchant.id,
      });
    } finally {
      await t.close();
    }
    assert.deepEqual(calls, ['start', 'stop']);
  });
});
