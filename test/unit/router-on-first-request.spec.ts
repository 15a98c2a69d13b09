import assert from 'node:assert/strict';
import express, { Router } from 'express';
import request from 'supertest';
import { routerOnFirstRequest } from '@tender/core';

describe('routerOnFirstRequest (plugin routers built after the start phase)', () => {
  it('builds nothing at registration, builds once at the first request, and serves through the built router', async () => {
    let builds = 0;
    const lazy = routerOnFirstRequest(() => {
      builds += 1;
      const r = Router();
      r.get('/hello', (_req, res) => res.json({ builds }));
      return r;
    });
    assert.equal(builds, 0);
    const app = express().use('/p', lazy);
    assert.deepEqual((await request(app).get('/p/hello').expect(200)).body, { builds: 1 });
    await request(app).get('/p/hello').expect(200);
    await request(app).get('/p/missing').expect(404);
    assert.equal(builds, 1);
  });
});
