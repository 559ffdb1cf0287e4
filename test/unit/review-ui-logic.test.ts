// Pure review-UI rules under Node: the grid cell's hover text, history action labels, column mode's filter,
// walking a dropped folder, and the contract's check of a dropped file's relative folder.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api, type CellValue } from '../../shared/api.ts';
import { droppedDirSchema } from '../../shared/api/queue.ts';
import { cellHoverText } from '../../renderer/format.ts';
import { historyActionLabel } from '../../renderer/i18n.ts';
import { columnFilter } from '../../renderer/review-logic.ts';
import { relativeDirOf, scanDrop, someNames, type DropEntry } from '../../renderer/dropped-files.ts';

void describe('grid cell hover text', () => {
  const cell: CellValue = {
    v: '77O-001', c: 0.624, f: 'error', s: 'pending',
    m: [
      { sev: 'error', src: 'api', ru: 'Код подразделения должен быть вида 000-000', en: 'Department code must look like 000-000' },
      { sev: 'warning', src: 'local', ru: 'Нет в справочнике', en: 'Not in the directory' },
    ],
  };
  void it('shows confidence and every finding with its source, in the UI language', () => {
    assert.equal(cellHoverText(cell, 'ru'), 'Уверенность 62%\nОшибка (API): Код подразделения должен быть вида 000-000\nПредупреждение (ScanDesk): Нет в справочнике');
    assert.equal(cellHoverText(cell, 'en'), 'Confidence 62%\nError (API): Department code must look like 000-000\nWarning (ScanDesk): Not in the directory');
  });
  void it('has nothing to say for a cell without confidence or findings', () => {
    assert.equal(cellHoverText({ v: '', c: null, f: null, s: 'pending' }, 'ru'), undefined);
    assert.equal(cellHoverText(undefined, 'ru'), undefined);
  });
});

void describe('history action labels', () => {
  void it('translates every action code the engine writes and shows unknown ones as they are', () => {
    const codes = ['set-field', 'accept-field', 'rule-fix', 'undo', 'undo-document', 'confirm', 'confirm-despite-findings', 'postpone', 'reject', 'reprocess', 'resolve-uncertain:resubmit', 'resolve-uncertain:mark-failed', 'export'];
    for (const code of codes) {
      for (const lang of ['ru', 'en'] as const) assert.notEqual(historyActionLabel(lang, code), code, `${lang}:${code}`);
    }
    assert.equal(historyActionLabel('ru', 'set-field'), 'Исправлено');
    assert.equal(historyActionLabel('en', 'future-action'), 'future-action');
  });
});

void describe('column mode filter', () => {
  void it('narrows to the types that have the field and skips verified documents', () => {
    assert.deepEqual(columnFilter({ quick: 'all' }, 'IssueId', true), { quick: 'all', types: ['PASSPORT', 'INN'], statuses: ['recognised'], review: ['pending', 'postponed', 'rejected'] });
    assert.deepEqual(columnFilter({ quick: 'all' }, 'OGRN', false), { quick: 'all', types: ['INN'], statuses: ['recognised'] });
    assert.deepEqual(columnFilter({ quick: 'low-confidence', types: ['PASSPORT'], review: ['verified', 'pending'] }, 'Series', true), { quick: 'low-confidence', types: ['PASSPORT'], statuses: ['recognised'], review: ['pending'] });
  });
  void it('takes recognised documents only: nothing else has a value to accept', () => {
    assert.deepEqual(columnFilter({ quick: 'all', statuses: ['failed', 'recognised'] }, 'INN', false)?.statuses, ['recognised']);
    assert.equal(columnFilter({ quick: 'all', statuses: ['duplicate', 'rejected'] }, 'INN', false), null);
  });
  void it('is null when nothing can match (an empty list would mean "any" to the engine)', () => {
    assert.equal(columnFilter({ quick: 'all', types: ['SELFIE'] }, 'IssueId', true), null);
    assert.equal(columnFilter({ quick: 'all', review: ['verified'] }, 'IssueId', true), null);
  });
});

void describe('dropped folders', () => {
  type FakeFile = { name: string; size: number };
  const file = (path: string): DropEntry<FakeFile> => {
    const name = path.split('/').at(-1)!;
    return { name, fullPath: path, file: () => Promise.resolve({ name, size: 1 }) };
  };
  const dir = (path: string, children: DropEntry<FakeFile>[]): DropEntry<FakeFile> => ({ name: path.split('/').at(-1)!, fullPath: path, children: () => Promise.resolve(children) });

  void it('walks folders, keeps each file\'s folder relative to the drop, names unsupported ones, skips noise', async () => {
    const found: number[] = [];
    const scan = await scanDrop([
      dir('/Пакет', [
        dir('/Пакет/Иванов И.И.', [file('/Пакет/Иванов И.И./паспорт.jpg'), file('/Пакет/Иванов И.И./инн.PDF'), file('/Пакет/Иванов И.И./Thumbs.db')]),
        dir('/Пакет/Петров П.П.', [file('/Пакет/Петров П.П./скан.tiff'), file('/Пакет/Петров П.П./заявление.docx')]),
        dir('/Пакет/.git', [file('/Пакет/.git/config')]),
      ]),
      file('/одиночный.png'),
      { name: 'сломанный.jpg', fullPath: '/сломанный.jpg', file: () => Promise.reject(new Error('NotReadableError')) },
    ], (n) => found.push(n));
    assert.deepEqual(scan.files.map((f) => [f.dir, f.file.name]), [
      ['Пакет/Иванов И.И.', 'паспорт.jpg'], ['Пакет/Иванов И.И.', 'инн.PDF'], ['Пакет/Петров П.П.', 'скан.tiff'], [undefined, 'одиночный.png'],
    ]);
    assert.deepEqual(scan.unsupported, ['заявление.docx']);
    assert.deepEqual(scan.unreadable, ['сломанный.jpg']);
    assert.deepEqual(found, [1, 2, 3, 4]);
    assert.equal(someNames(['a', 'b', 'c', 'd', 'e'], 'ru'), 'a, b, c и ещё 2');
  });

  void it('trims deep or long folders to what the contract accepts, keeping the innermost', () => {
    const deep = `/${Array.from({ length: 12 }, (_, i) => `d${i}`).join('/')}/x.jpg`;
    assert.equal(relativeDirOf(deep), 'd4/d5/d6/d7/d8/d9/d10/d11');
    assert.equal(relativeDirOf(`/${'я'.repeat(300)}/x.jpg`), 'я'.repeat(120));
    for (const path of [deep, `/${'я'.repeat(300)}/x.jpg`, '/a/./../b/x.jpg']) {
      const rel = relativeDirOf(path);
      assert.ok(rel === undefined || droppedDirSchema.safeParse(rel).success, path);
    }
  });

  void it('the contract refuses folders that climb out, are absolute, or carry NUL / control characters', () => {
    const ok = ['Пакет', 'Пакет/Иванов И.И.', 'a\\b'];
    const bad = ['..', 'a/../b', './a', '/etc', '\\\\server\\share', 'C:', 'C:/Windows', 'a\u0000b', 'a\nb', 'a//b', '', 'x'.repeat(121), Array.from({ length: 9 }, () => 'a').join('/')];
    for (const d of ok) assert.equal(droppedDirSchema.safeParse(d).success, true, d);
    for (const d of bad) assert.equal(droppedDirSchema.safeParse(d).success, false, JSON.stringify(d));
    const schema = api['intake:add-files'].args;
    assert.equal(schema.safeParse({ files: [{ name: 'a.jpg', dataBase64: '', dir: 'Пакет/Иванов' }] }).success, true);
    assert.equal(schema.safeParse({ files: [{ name: 'a.jpg', dataBase64: '', dir: '../../etc' }] }).success, false);
    assert.equal(schema.safeParse({ files: [{ name: 'a.jpg', dataBase64: '' }] }).success, true, 'dir stays optional');
  });
});
