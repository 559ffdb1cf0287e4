// DisposableStore: reverse order, each teardown once, every teardown runs even when one throws.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DisposableStore } from '../../main/engine/disposable.ts';

void it('disposes in reverse order, once, and runs every teardown despite a failing one', async () => {
  const store = new DisposableStore();
  const order: string[] = [];
  store.add(() => void order.push('db'));
  store.add(() => {
    order.push('bus');
    throw new Error('bus failed');
  });
  store.add(async () => void order.push('module'));
  await assert.rejects(store.dispose(), /bus failed/);
  assert.deepEqual(order, ['module', 'bus', 'db']);
  await store.dispose();
  assert.deepEqual(order, ['module', 'bus', 'db']);
});
