import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { container as rootContainer, injectable } from 'tsyringe';
import { PluginContext, PluginError, definePlugin } from '@tender/core';
import { createLogger } from '@tender/core/dist/logging/logger';
import { PluginHost } from '@tender/core/dist/plugins/plugin-host';
import { makeStrict } from '@tender/core/dist/plugins/strict-container';

const OPTIONAL = Symbol.for('test/optional-service');
const MISSING = Symbol.for('test/missing-service');

@injectable()
class Registered {
  readonly name = 'registered';
}

class NeverRegistered {}

/** A service whose construction fails: registered, so resolveOptional must not hide the failure. */
const BROKEN = Symbol.for('test/broken-service');

const silent = createLogger('silent', new Writable({ write: (_chunk, _encoding, done) => done() }));

describe('plugin context: resolveOptional', () => {
  it('answers the registered service, undefined for an absent token or class, and only from the start phase on', async () => {
    const host = new PluginHost(makeStrict(rootContainer.createChildContainer()), silent);
    let ctx: PluginContext | undefined;
    const plugin = definePlugin({
      name: 'optional-user',
      version: '1.0.0',
      coreRange: '*',
      setup(context) {
        ctx = context;
        context.registerValue(OPTIONAL, { answer: 42 });
        context.registerService(Registered);
        // During setup the registries are open: resolving would freeze them.
        assert.throws(
          () => context.resolveOptional(OPTIONAL),
          (e: Error) => e instanceof PluginError && /resolveOptional is available from the start phase on/.test(e.message),
        );
      },
    });
    await host.register([plugin], () => ({}));
    await host.start();
    assert.ok(ctx);
    assert.deepEqual(ctx.resolveOptional<{ answer: number }>(OPTIONAL), { answer: 42 });
    assert.equal(ctx.resolveOptional(Registered)?.name, 'registered');
    assert.equal(ctx.resolveOptional(Registered), ctx.resolve(Registered));
    assert.equal(ctx.resolveOptional(MISSING), undefined);
    // A class nobody registered: the strict container would throw, resolveOptional says "absent".
    assert.equal(ctx.resolveOptional(NeverRegistered), undefined);
    assert.throws(() => ctx?.resolve(MISSING));
  });

  it('does not hide a registered service that fails to build', async () => {
    const container = makeStrict(rootContainer.createChildContainer());
    const host = new PluginHost(container, silent);
    let ctx: PluginContext | undefined;
    await host.register([definePlugin({ name: 'broken-user', version: '1.0.0', coreRange: '*', setup: (context) => void (ctx = context) })], () => ({}));
    container.register(BROKEN, {
      useFactory: () => {
        throw new Error('factory exploded');
      },
    });
    await host.start();
    assert.throws(() => ctx?.resolveOptional(BROKEN), /factory exploded/);
  });
});
