// What a clerk types into ratio settings and date filters, read the way a clerk means it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRuDate, maskRuDate, parseRatio, parseRuDate } from '../../renderer/format.ts';

void describe('clerk input', () => {
  void it('ratios: «0,85», «0.85», «85», «85 %» are 0.85; out of range or words are refused', () => {
    for (const s of ['0,85', '0.85', '85', '85 %', ' 85% ']) assert.equal(parseRatio(s), 0.85, s);
    assert.equal(parseRatio('1'), 1);
    assert.equal(parseRatio('0'), 0);
    assert.equal(parseRatio('100'), 1);
    for (const s of ['', 'много', '101', '-0,5', '0,8,5']) assert.equal(parseRatio(s), null, s);
  });
  void it('dates: дд.мм.гггг and its short forms, impossible dates refused, empty clears', () => {
    const jan1 = new Date(2020, 0, 1).getTime();
    for (const s of ['01.01.2020', '1.1.2020', '01/01/2020', '01-01-2020', '01012020', '01.01.20']) assert.equal(parseRuDate(s, false), jan1, s);
    assert.equal(parseRuDate('01.01.2020', true), jan1 + 86_400_000 - 1);
    for (const s of ['31.02.2020', '2020-01-01', '13.13.2020', 'вчера', '00.01.2020']) assert.equal(parseRuDate(s, false), null, s);
    assert.equal(parseRuDate('  ', false), undefined);
    assert.equal(formatRuDate(jan1), '01.01.2020');
  });
  void it('date mask: dots appear as digits are typed; a differently dotted date is left alone', () => {
    let text = '';
    for (const ch of '01022026') text = maskRuDate(text + ch);
    assert.equal(text, '01.02.2026');
    assert.equal(maskRuDate('1.2.2026'), '1.2.2026');
    assert.equal(maskRuDate('01.0'), '01.0');
    assert.equal(maskRuDate('010220261'), '01.02.2026');
  });
});
