// Log redaction (main/engine/log.ts): secrets and personal identifiers are masked whatever the caller passes,
// both in free text and in structured data, and written log files contain none of them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createLogger, redact, redactText } from '../../main/engine/log.ts';

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
};

void describe('log redaction', () => {
  for (const [kind, value] of Object.entries(SECRETS)) {
    void it(`masks ${kind} in free text`, () => {
      const out = redactText(`request failed for ${value} (retry)`);
      assert.equal(out.includes(value), false, out);
      assert.match(out, /request failed for .* \(retry\)/);
    });
  }

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
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
