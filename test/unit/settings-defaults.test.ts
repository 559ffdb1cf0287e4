// The renderer's defaults (a plain object, so zod stays out of the UI bundle) are exactly the engine schema's:
// every setting has a default, and an empty settings row parses to the same values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS as RENDERER_DEFAULTS } from '../../shared/settings-defaults.ts';
import { DEFAULT_SETTINGS, settingsSchema } from '../../shared/settings.ts';

void test('settings defaults: one set of values for engine and renderer, covering every setting', () => {
  assert.deepEqual(settingsSchema.parse({}), { ...RENDERER_DEFAULTS });
  assert.deepEqual(Object.keys(RENDERER_DEFAULTS).sort(), Object.keys(settingsSchema.shape).sort());
  assert.equal(DEFAULT_SETTINGS, RENDERER_DEFAULTS);
  assert.ok(Object.isFrozen(RENDERER_DEFAULTS), 'shared defaults cannot be changed by a caller');
});
