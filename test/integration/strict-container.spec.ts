import assert from 'node:assert/strict';
import { container as rootContainer, injectable } from 'tsyringe';
import { UnregisteredServiceError, definePlugin } from '@tender/core';
import { CORE_CLASSES } from '@tender/core/dist/plugins/core-classes';
import { makeStrict } from '@tender/core/dist/plugins/strict-container';
import { plugin as sandboxPlugin } from '@tender/adapter-sandbox';
import { startTestGateway } from '../support/test-gateway';

class Unlisted {
  readonly made = true;
}

@injectable()
class NeedsUnlisted {
  constructor(readonly dep: Unlisted) {}
}

describe('the gateway container is strict: resolving what nobody registered is an error', () => {
  it('refuses an unregistered class, also as a dependency, and builds registered ones', () => {
    const container = makeStrict(rootContainer.createChildContainer());
    // Plain tsyringe would construct both silently.
    assert.throws(
      () => container.resolve(Unlisted),
      (e: Error) => e instanceof UnregisteredServiceError && /class Unlisted/.test(e.message),
    );
    container.register(NeedsUnlisted, { useClass: NeedsUnlisted });
    assert.throws(() => container.resolve(NeedsUnlisted), /nothing is registered for class Unlisted/);
    assert.throws(() => container.resolveAll(Unlisted), UnregisteredServiceError);
    container.registerSingleton(Unlisted);
    assert.equal(container.resolve(NeedsUnlisted).dep, container.resolve(Unlisted));
    assert.throws(() => container.resolve(Symbol('nobody')), /unregistered dependency token/);
  });

  it('resolves every core class in a started gateway, and refuses a plugin class the plugin did not register', async () => {
    let resolveLater: (() => unknown) | undefined;
    const careless = definePlugin({
      name: 'careless',
      version: '1.0.0',
      coreRange: '*',
      setup(ctx) {
        resolveLater = () => ctx.resolve(Unlisted);
      },
    });
    const t = await startTestGateway({ plugins: [sandboxPlugin, careless] });
    try {
      for (const cls of CORE_CLASSES) assert.ok(t.gateway.container.resolve(cls as never), `${(cls as { name: string }).name} resolves`);
      assert.throws(() => resolveLater?.(), UnregisteredServiceError);
    } finally {
      await t.close();
    }
  });
});
