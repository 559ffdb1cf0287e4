// Intake conventions against a real engine: real temp folders, real SQLite, real watcher, real sharp images.
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createEngine, type Engine } from '../../main/engine/app.ts';
import { driveLetterOf, ignoreReason, isNetworkPath, parseNetUse, placeFile, pollingFor, sanitiseFileName } from '../../main/engine/intake/rules.ts';

type Row = { id: number; rel_path: string; doc_type: string; status: string; status_code: string | null; api_key: string | null; case_id: number | null };

let seed = 1;
async function writeJpeg(file: string, w = 800, h = 1000): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  // A distinct colour per file keeps the bytes unique (no accidental duplicates).
  const s = seed++;
  const buf = await sharp({ create: { width: w, height: h, channels: 3, background: { r: s % 256, g: (s * 7) % 256, b: (s * 13) % 256 } } }).jpeg().toBuffer();
  await fs.writeFile(file, buf);
}

void describe('intake naming rules (pure)', () => {
  void it('derives type, case and label from names and folders', () => {
    assert.deepEqual(placeFile('ivanov_passport.jpg', 'INN'), { type: 'PASSPORT', groupKey: 'prefix:ivanov', label: 'ivanov' });
    assert.deepEqual(placeFile('Иванов И.И/паспорт.jpg', 'INN'), { type: 'PASSPORT', groupKey: 'dir:иванов и.и', label: 'Иванов И.И' });
    assert.deepEqual(placeFile('inn/scan01.png', 'PASSPORT'), { type: 'INN', groupKey: 'prefix:scan01', label: 'scan01' });
    assert.deepEqual(placeFile('inn/petrov-INN.png', 'PASSPORT'), { type: 'INN', groupKey: 'prefix:petrov', label: 'petrov' });
    assert.equal(placeFile('scan 7.jpg', 'SELFIE').type, 'SELFIE');
    assert.equal(placeFile('passportless.jpg', 'INN').type, 'INN', 'a token must be a whole word');
    assert.equal(placeFile('Иванов/СЕЛФИ.jpg', 'PASSPORT').type, 'SELFIE');
  });
  void it('detects mapped Windows drive letters; the clerk’s polling choice overrides detection', () => {
    assert.equal(driveLetterOf('z:\\Сканы\\вход'), 'Z');
    assert.equal(driveLetterOf('Z:/scans'), 'Z');
    assert.equal(driveLetterOf('\\\\?\\Y:\\long'), 'Y');
    assert.equal(driveLetterOf('/home/u'), null);
    assert.equal(driveLetterOf('\\\\nas\\share'), null);
    // `net use` as printed by English and Russian Windows: empty status column, an offline share, a WebDAV line.
    const en = [
      'New connections will be remembered.',
      '',
      'Status       Local     Remote                    Network',
      '-------------------------------------------------------------------------------',
      'OK           Z:        \\\\nas\\scans               Microsoft Windows Network',
      'Unavailable  Y:        \\\\old-server\\archive       Microsoft Windows Network',
      '             X:        \\\\dav.example@SSL\\DavWWWRoot Web Client Network',
      'OK                     \\\\nas\\IPC$                 Microsoft Windows Network',
      'The command completed successfully.',
    ].join('\r\n');
    assert.deepEqual([...parseNetUse(en)].sort(), ['X', 'Y', 'Z']);
    const ru = 'Состояние  Локальный Удаленный                 Сеть\r\n\uFFFD\uFFFD          S:        \\\\сервер\\Сканы             Microsoft Windows Network\r\n';
    assert.deepEqual([...parseNetUse(ru)], ['S']);
    assert.equal(parseNetUse('There are no entries in the list.').size, 0);
    const remote = new Set(['Z']);
    assert.ok(isNetworkPath('Z:\\inbox', null, (l) => remote.has(l)));
    assert.ok(!isNetworkPath('C:\\inbox', null, (l) => remote.has(l)));
    assert.ok(!isNetworkPath('Z:\\inbox', null), 'no probe (not Windows): a drive letter is local');
    let asked = 0;
    const detect = () => {
      asked++;
      return true;
    };
    assert.equal(pollingFor('auto', detect), true);
    assert.equal(pollingFor('off', detect), false, 'chosen by the clerk: off even on a share');
    assert.equal(pollingFor('on', () => false), true);
    assert.equal(asked, 1, 'detection runs only for auto');
  });
  void it('ignores temp and system names with a reason, accepts documents', () => {
    for (const n of ['~$doc.jpg', 'a.tmp', 'a.part', 'a.filepart', 'a.crdownload', 'Thumbs.db', 'desktop.ini', '._a.jpg', '.DS_Store', '@eaDir/a.jpg', 'Обработано/a.jpg', 'Ошибки/x/a.jpg']) {
      assert.ok(ignoreReason(n), n);
    }
    assert.equal(ignoreReason('Иванов/паспорт.jpg'), null);
  });
  void it('detects network paths and sanitises dropped names', () => {
    assert.ok(isNetworkPath('\\\\server\\share\\in', null));
    const mounts = 'server:/x /mnt/nas nfs4 rw 0 0\n/dev/sda1 / ext4 rw 0 0\n//srv/s /mnt/smb cifs rw 0 0\n';
    assert.ok(isNetworkPath('/mnt/nas/inbox', mounts));
    assert.ok(isNetworkPath('/mnt/smb', mounts));
    assert.ok(!isNetworkPath('/home/u/inbox', mounts));
    assert.ok(isNetworkPath('\\\\?\\UNC\\server\\share\\in', null), 'long-form UNC');
    assert.ok(!isNetworkPath('\\\\?\\C:\\scans', null), 'a long local path is not a share');
    assert.equal(sanitiseFileName('../../etc/passwd'), 'passwd');
    assert.equal(sanitiseFileName('a<b>:c.jpg'), 'a_b__c.jpg');
    assert.equal(sanitiseFileName('..'), 'файл');
  });
});

void describe('intake conventions (engine)', () => {
  let tmp: string;
  let inbox: string;
  let engine: Engine;
  before(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'intake-conv-'));
    inbox = path.join(tmp, 'inbox');
    await writeJpeg(path.join(inbox, 'Иванов И.И', 'паспорт.jpg'));
    await writeJpeg(path.join(inbox, 'Иванов И.И', 'селфи.jpg'));
    await writeJpeg(path.join(inbox, 'Иванов И.И', 'паспорт 2.jpg'));
    await writeJpeg(path.join(inbox, 'petrov_passport.jpg'));
    await writeJpeg(path.join(inbox, 'petrov_selfie.jpg'));
    await writeJpeg(path.join(inbox, 'inn', 'scan01.png'));
    await writeJpeg(path.join(inbox, 'lone.jpg'));
    engine = await createEngine({ dataDir: path.join(tmp, 'data'), mode: 'test', dbKey: null, settingsOverrides: { apiUrl: 'http://127.0.0.1:9' } });
    await engine.request('folders:add', { path: inbox, defaultType: 'SELFIE', options: { settleMs: 300, caseWindowMs: 300 } });
  });
  after(async () => {
    await engine.stop();
    await fs.rm(tmp, { recursive: true, force: true });
  });

  void it('groups files into cases with the right types, labels and api keys', async () => {
    await engine.intake.settled({ signal: AbortSignal.timeout(30_000) });
    const docs = engine.ctx.db.prepare<[], Row>('SELECT id, rel_path, doc_type, status, status_code, api_key, case_id FROM documents ORDER BY id').all();
    const byRel = new Map(docs.map((d) => [d.rel_path.split(path.sep).join('/'), d]));
    const caseOf = (rel: string) => engine.ctx.db.prepare<[number], { label: string; state: string }>('SELECT label, state FROM cases WHERE id = ?').get(byRel.get(rel)?.case_id ?? -1);
    assert.equal(docs.length, 7, JSON.stringify(docs));
    for (const d of docs) assert.equal(d.status, 'queued', `${d.rel_path}: ${d.status_code}`);
    assert.equal(byRel.get('Иванов И.И/паспорт.jpg')?.doc_type, 'PASSPORT');
    assert.equal(byRel.get('Иванов И.И/селфи.jpg')?.doc_type, 'SELFIE');
    const passportCases = [byRel.get('Иванов И.И/паспорт.jpg')?.case_id, byRel.get('Иванов И.И/паспорт 2.jpg')?.case_id];
    assert.ok(passportCases.includes(byRel.get('Иванов И.И/селфи.jpg')?.case_id), 'the selfie joins one of the passports');
    assert.notEqual(byRel.get('Иванов И.И/паспорт 2.jpg')?.case_id, byRel.get('Иванов И.И/паспорт.jpg')?.case_id, 'second passport → its own case');
    const labels = [caseOf('Иванов И.И/паспорт.jpg')?.label, caseOf('Иванов И.И/паспорт 2.jpg')?.label].sort();
    assert.deepEqual(labels, ['Иванов И.И', 'Иванов И.И (2)']);
    assert.equal(byRel.get('petrov_passport.jpg')?.case_id, byRel.get('petrov_selfie.jpg')?.case_id);
    assert.equal(caseOf('petrov_passport.jpg')?.label, 'petrov');
    assert.equal(byRel.get('inn/scan01.png')?.doc_type, 'INN');
    assert.equal(caseOf('inn/scan01.png')?.label, 'scan01');
    assert.equal(byRel.get('lone.jpg')?.doc_type, 'SELFIE', 'folder default type');
    assert.equal(byRel.get('petrov_passport.jpg')?.api_key, 'PASSPORT1');
    assert.equal(byRel.get('petrov_selfie.jpg')?.api_key, 'SELFIE1');
    const states = engine.ctx.db.prepare<[], { state: string }>('SELECT DISTINCT state FROM cases').all().map((r) => r.state);
    assert.ok(!states.includes('collecting'));
  });

  void it('a live-dropped file after the case was queued starts a new case; open-location and add-files work', async () => {
    const before = engine.ctx.db.prepare('SELECT COUNT(*) AS n FROM cases').get() as { n: number };
    await writeJpeg(path.join(inbox, 'petrov_inn.jpg'));
    const res = (await engine.request('intake:add-files', { files: [{ name: '../sidorov_passport.jpg', dataBase64: (await sharp({ create: { width: 700, height: 900, channels: 3, background: '#abcdef' } }).jpeg().toBuffer()).toString('base64') }] }));
    assert.equal(res.written, 1);
    await fs.access(path.join(inbox, 'Добавлено вручную', 'sidorov_passport.jpg'));
    // Wait for the watcher to notice both files (state, not a fixed sleep).
    for (let i = 0; i < 200; i++) {
      const n = (engine.ctx.db.prepare("SELECT COUNT(*) AS n FROM documents WHERE status != 'ignored'").get() as { n: number }).n;
      if (n >= 9) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await engine.intake.settled({ signal: AbortSignal.timeout(30_000) });
    const after = engine.ctx.db.prepare('SELECT COUNT(*) AS n FROM cases').get() as { n: number };
    assert.equal(after.n, before.n + 2, JSON.stringify(engine.ctx.db.prepare('SELECT rel_path, status, case_id FROM documents').all()));
    const dropped = engine.ctx.db.prepare<[], Row & { current_path: string }>("SELECT * FROM documents WHERE file_name = 'sidorov_passport.jpg'").get();
    assert.equal(dropped?.status, 'queued');
    assert.equal(dropped?.doc_type, 'PASSPORT');
    const loc = (await engine.request('documents:open-location', { documentId: dropped?.id ?? 0 }));
    assert.equal(loc.path, dropped?.current_path);
    assert.equal(loc.revealed, false);
  });

  void it('folders:add refuses bad paths with Russian messages', async () => {
    const bad = async (p: string, code: string) => {
      const res = await engine.call('folders:add', { path: p, defaultType: 'PASSPORT' });
      assert.equal(res.ok, false);
      if (!res.ok) {
        assert.equal(res.error.code, code);
        assert.match(res.error.messageRu ?? "", /[а-я]/i);
      }
    };
    await bad('relative/dir', 'folder.not-absolute');
    await bad(path.join(tmp, 'nope'), 'folder.not-found');
    await bad(path.join(inbox, 'lone.jpg'), 'folder.not-directory');
    await bad(inbox, 'folder.exists');
    const list = (await engine.request('folders:list', {}));
    assert.equal(list[0]?.options.settleMs, 300);
    assert.equal(list[0]?.options.rescanMinutes, 5, 'defaults merged');
  });
});
