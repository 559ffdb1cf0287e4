// Log redaction (main/engine/log.ts): secrets and personal identifiers are masked whatever the caller passes,
// both in free text and in structured data, and written log files contain none of them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createLogger, hashPath, redact, redactText } from '../../main/engine/log.ts';

const TOKEN = '5f2b7c9e1a3d4f6081b2c3d4e5f60718';
const UID = 'SCNDSK7Q2W9E4R1T6Y8U3I5O0P7A2S4D6F8G1H3J';
const BASE64 = Buffer.alloc(600, 7).toString('base64');
const SECRETS = {
  token: TOKEN,
  uid: UID,
  base64: BASE64,
  passportSpaced: '45 09 123456',
  passportCompact: '4509123456',
  passportNo: '4509 № 123456',
  inn10: '7707083893',
  inn12: '500100732259',
  snils: '112-233-445 95',
  snilsNoSpace: '112-233-44595',
  mrz1: 'PNRUSIVANOVA<<MARIIA<SERGEEVNA<<<<<<<<<<<<<<',
  mrz2: '4509123456RUS8501011F<<<<<<<1450912345600002<',
  birthDate: '01.02.1985',
  shortDate: '5.3.2023',
  fullName: 'Ковальчук Мария Сергеевна',
  upperName: 'КОВАЛЬЧУК МАРИЯ',
  initials: 'Ковальчук М.С.',
  pathPosix: '/home/clerk/Входящие/Ковальчук/паспорт.jpg',
  pathWin: 'C:\\Users\\clerk\\Входящие\\Ковальчук\\инн.pdf',
  pathUnc: '\\\\nas\\scans\\Ковальчук\\селфи.jpg',
};
/** Personal fragments of the paths above: none may survive, in any form. */
const PATH_PARTS = ['Ковальчук', 'паспорт', 'инн.pdf', 'селфи', 'clerk'];

void describe('log redaction', () => {
  for (const [kind, value] of Object.entries(SECRETS)) {
    void it(`masks ${kind} in free text`, () => {
      const out = redactText(`request failed for ${value} (retry)`);
      assert.equal(out.includes(value), false, out);
      assert.match(out, /request failed for .* \(retry\)/);
    });
  }

  void it('paths become a stable hash with the extension; quoted paths with spaces too; URLs and plain words stay', () => {
    const quoted = redactText("ENOENT: no such file or directory, open '/home/clerk/Входящие/Ковальчук М.С/скан 1.tif'");
    assert.match(quoted, /^ENOENT: no such file or directory, open '\[path:[0-9a-f]{8}\.tif\]'$/);
    assert.equal(redactText(`a ${SECRETS.pathPosix} b`), `a ${hashPath(SECRETS.pathPosix)} b`, 'the same path always hashes the same');
    assert.match(hashPath(SECRETS.pathPosix), /^\[path:[0-9a-f]{8}\.jpg\]$/);
    const url = 'GET http://127.0.0.1:8900/api/document/result/D1 failed';
    assert.equal(redactText(url), url);
    assert.equal(redactText('5 док/мин, 1/2 done, and/or'), '5 док/мин, 1/2 done, and/or');
    assert.equal(redactText('Нет связи с сервером Beorg (ECONNREFUSED)'), 'Нет связи с сервером Beorg (ECONNREFUSED)');
  });

  void it('error objects with file paths (a real fs error) keep their code, lose every path fragment', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-log-'));
    try {
      const missing = path.join(dir, 'Входящие', 'Ковальчук Мария', 'паспорт.jpg');
      let err: unknown;
      try {
        fs.readFileSync(missing);
      } catch (e) {
        err = e;
      }
      const out = JSON.stringify(redact({ err, note: `copy of ${missing} failed`, file: 'Ковальчук паспорт.jpg', fileName: 'паспорт.jpg', caseId: 7 }));
      for (const part of [...PATH_PARTS, 'Мария', path.basename(dir)]) assert.equal(out.includes(part), false, `${part} in ${out}`);
      assert.match(out, /"code":"ENOENT"/);
      assert.match(out, /"path":"\[path:[0-9a-f]{8}\.jpg\]"/);
      assert.ok(out.includes('"caseId":7'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('masks secret keys in structured data, at any nesting, and inside URLs', () => {
    const out = JSON.stringify(
      redact({ token: 'short-but-secret', machine_uid: 'abc', nested: { authorization: 'Bearer x', list: [{ images: ['AAAA'] }] }, url: `/api/document/result?token=${'z'.repeat(12)}&x=1` }),
    );
    for (const v of ['short-but-secret', 'Bearer x', 'AAAA', 'z'.repeat(12)]) assert.equal(out.includes(v), false, v);
    assert.ok(out.includes('x=1'));
  });

  void it('masks error messages and leaves ids and counts readable', () => {
    const out = JSON.stringify(redact({ err: new Error(`bad token ${TOKEN}`), caseId: 42, documents: 3 }));
    assert.equal(out.includes(TOKEN), false);
    assert.ok(out.includes('"caseId":42'));
  });

  void it('a written log file contains none of the values', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scandesk-log-'));
    try {
      const file = path.join(dir, 'x.log');
      const log = createLogger({ file });
      for (const [kind, value] of Object.entries(SECRETS)) log.error(`failed ${value}`, { kind, detail: value, deep: { a: { b: value } } });
      log.info('marker');
      await new Promise<void>((resolve) => {
        const poll = () => (fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes('marker') ? resolve() : setTimeout(poll, 10));
        poll();
      });
      const text = fs.readFileSync(file, 'utf8');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      for (const value of Object.values(SECRETS)) assert.equal(text.includes(value), false, value);
      for (const part of PATH_PARTS) assert.equal(text.includes(part), false, part);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
