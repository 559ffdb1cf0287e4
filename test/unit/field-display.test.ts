// One written form for Пол, the yes/no fields and a passport's department code, in the grids and the spreadsheets,
// whatever form the document type sent; anything unrecognised is shown as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayFieldValue } from '../../shared/field-display.ts';
import { shownFieldValue } from '../../renderer/format.ts';

void test('Пол: М/Ж from passports (М, МУЖ., Ж, ЖЕН.) and INN certificates (Latin M/F); M/F in English', () => {
  for (const [raw, ru, en] of [['М', 'М', 'M'], ['МУЖ.', 'М', 'M'], ['M', 'М', 'M'], ['m', 'М', 'M'], ['Ж', 'Ж', 'F'], ['ЖЕН', 'Ж', 'F'], ['F', 'Ж', 'F'], [' f ', 'Ж', 'F']]) {
    assert.equal(displayFieldValue('Gender', raw!, 'INN', 'ru'), ru, raw);
    assert.equal(displayFieldValue('Gender', raw!, 'PASSPORT', 'en'), en, raw);
  }
  assert.equal(displayFieldValue('Gender', 'X', 'INN', 'ru'), 'X', 'unrecognised: as it is');
});

void test('Печать / Подпись / Есть фото: Да/Нет from passports (1/0) and INN certificates (true/false)', () => {
  for (const name of ['HasPhoto', 'HasOwnerSignature', 'HasStamp', 'HasSeal', 'HasSignature']) {
    assert.deepEqual(['1', 'true', 'True', '0', 'false'].map((v) => displayFieldValue(name, v, 'INN', 'ru')), ['Да', 'Да', 'Да', 'Нет', 'Нет'], name);
    assert.deepEqual(['1', 'false'].map((v) => displayFieldValue(name, v, 'PASSPORT', 'en')), ['Yes', 'No'], name);
  }
  assert.equal(displayFieldValue('HasStamp', '', 'PASSPORT', 'ru'), '', 'absent stays empty');
  assert.equal(displayFieldValue('HasStamp', null, 'PASSPORT', 'ru'), null);
  assert.equal(displayFieldValue('HasStamp', 'неясно', 'PASSPORT', 'ru'), 'неясно');
});

void test('department code: NNN-NNN on passports, whatever separator came; other forms and the INN field untouched', () => {
  for (const raw of ['770001', '770-001', '770 001', '770–001', '770‐001']) assert.equal(displayFieldValue('IssueId', raw, 'PASSPORT', 'ru'), '770-001', raw);
  assert.equal(displayFieldValue('IssueId', '77001', 'PASSPORT', 'ru'), '77001', 'five digits: as it is');
  assert.equal(displayFieldValue('IssueId', '770001', 'INN', 'ru'), '770001', "an INN certificate's own code");
  assert.equal(displayFieldValue('Number', '000123', 'PASSPORT', 'ru'), '000123', 'other fields exactly as stored');
});

void test('grid cells: shown form, the case grid\'s INN. prefix, masking after the shown form', () => {
  assert.equal(shownFieldValue('IssueId', '500100', 'PASSPORT', 'ru', false), '500-100');
  assert.equal(shownFieldValue('INN.Gender', 'F', 'PASSPORT', 'ru', false), 'Ж');
  assert.equal(shownFieldValue('INN.IssueId', '770001', 'PASSPORT', 'ru', false), '770001', 'the prefix means the INN certificate');
  assert.equal(shownFieldValue('HasSeal', 'true', 'INN', 'en', false), 'Yes');
  assert.equal(shownFieldValue('Number', '123456', 'PASSPORT', 'ru', true), '••••56');
});
