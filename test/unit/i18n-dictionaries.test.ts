// Every UI string exists, non-empty, in both languages, with the same placeholders; every status,
// review state, quick filter and field has a label (the grid shows them all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dictionaries, ru, en, translate, statusLabel, reviewLabel, quickFilterLabel, fieldLabel, type MessageKey } from '../../renderer/i18n.ts';
import { DOC_STATUSES, REVIEW_STATES } from '../../shared/types.ts';
import { QUICK_FILTERS } from '../../shared/api.ts';
import { PASSPORT_FIELDS, INN_FIELDS, FIELD_LABELS } from '../../shared/fields.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

void test('both dictionaries have exactly the same keys, none empty', () => {
  const ruKeys = Object.keys(ru).sort();
  const enKeys = Object.keys(en).sort();
  assert.deepEqual(enKeys, ruKeys);
  for (const lang of ['ru', 'en'] as const) {
    for (const key of ruKeys as MessageKey[]) {
      const value = dictionaries[lang][key];
      assert.equal(typeof value, 'string', `${lang}:${key}`);
      assert.ok(value.trim().length > 0, `${lang}:${key} is empty`);
    }
  }
});

void test('placeholders match between languages', () => {
  for (const key of Object.keys(ru) as MessageKey[]) {
    assert.deepEqual(placeholders(en[key]), placeholders(ru[key]), key);
  }
});

void test('Russian strings are Russian where they are prose', () => {
  // Guards against pasting English into the Russian dictionary: most entries must contain Cyrillic.
  const cyrillic = Object.values(ru).filter((s) => /[А-Яа-яЁё]/.test(s)).length;
  assert.ok(cyrillic / Object.keys(ru).length > 0.9, `only ${cyrillic} Cyrillic strings`);
});

void test('every status, review state, quick filter and field has a label in both languages', () => {
  for (const lang of ['ru', 'en'] as const) {
    for (const s of DOC_STATUSES) assert.ok(statusLabel(lang, s).length > 0);
    for (const r of REVIEW_STATES) assert.ok(reviewLabel(lang, r).length > 0);
    for (const q of QUICK_FILTERS) assert.ok(quickFilterLabel(lang, q).length > 0);
    for (const f of [...PASSPORT_FIELDS, ...INN_FIELDS]) assert.ok(FIELD_LABELS[f]?.[lang] && fieldLabel(lang, f) === FIELD_LABELS[f][lang], `${lang}:${f}`);
  }
  assert.equal(statusLabel('ru', 'recognised'), 'Распознан');
  assert.equal(fieldLabel('ru', 'INN.LastName'), 'ИНН: Фамилия');
});

void test('translate substitutes parameters and leaves unknown ones visible', () => {
  assert.equal(translate('ru', 'drop.progress', { done: 3, total: 10 }), 'Добавление файлов: 3 из 10');
  assert.equal(translate('en', 'drop.progress', { done: 3 }), 'Adding files: 3 of {total}');
});
