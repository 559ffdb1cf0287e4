// Untrusted Beorg responses (main/engine/beorg/parse.ts, owned by the queue engineer): crafted bodies are
// contained — bounded sizes, no HTML interpretation needed downstream, wrong types coerced or dropped,
// prototype keys ignored, invalid JSON and a 10 MB body answered with an error or a bounded result, never a throw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseResultBody } from '../../main/engine/beorg/index.ts';

const doc = (over: Record<string, unknown> = {}) => ({ key: 'PASSPORT1', type: 'PASSPORT', data: { LastName: 'Иванов' }, metadata: { confidences: { LastName: 0.97 } }, ...over });
const body = (...documents: unknown[]) => JSON.stringify({ document_id: 'D1', documents });

function parsedOk(raw: string) {
  const r = parseResultBody(raw);
  assert.equal(r.ok, true, JSON.stringify(r).slice(0, 200));
  return (r as Extract<typeof r, { ok: true }>).result;
}

void describe('parseResultBody with crafted responses', () => {
  void it('parses a normal body (control)', () => {
    const r = parsedOk(body(doc()));
    assert.deepEqual(r.documents[0]!.fields, [{ name: 'LastName', value: 'Иванов', confidence: 0.97 }]);
  });

  void it('clips huge strings in values, keys and reasons', () => {
    const huge = 'Я'.repeat(1_000_000);
    const r = parsedOk(body(doc({ key: huge, data: { LastName: huge }, broken_reasons_ru: [huge], metadata: { verifications: { x: huge } } })));
    const d = r.documents[0]!;
    assert.ok(d.key.length <= 100);
    assert.ok((d.fields[0]!.value ?? '').length <= 2000);
    assert.ok(d.brokenReasonsRu.every((s) => s.length <= 500));
    assert.ok(JSON.stringify(d.verifications).length < 10_000);
  });

  void it('keeps HTML/script as inert text and drops field names that are not identifiers', () => {
    const xss = '<img src=x onerror=alert(1)><script>alert(1)</script>';
    const r = parsedOk(body(doc({ data: { LastName: xss, [xss]: 'x', 'a b': 'y' } })));
    assert.deepEqual(r.documents[0]!.fields.map((f) => f.name), ['LastName']);
    assert.equal(r.documents[0]!.fields[0]!.value, xss); // a string; the renderer shows it as text only
  });

  void it('coerces wrong types instead of trusting them', () => {
    const r = parsedOk(body(doc({ data: { LastName: { nested: 1 }, FirstName: 42, MiddleName: true, BirthDate: null, Number: [1, 2] }, broken: 'maybe', broken_reasons: 'one', metadata: { confidences: { FirstName: '0,5', MiddleName: 7, LastName: -1 }, biometrics: { matches: { similarity: 'NaN' } } } })));
    const d = r.documents[0]!;
    assert.deepEqual(d.fields, [
      { name: 'FirstName', value: '42', confidence: 0.5 },
      { name: 'MiddleName', value: 'true', confidence: null },
      { name: 'BirthDate', value: null, confidence: null },
    ]);
    assert.equal(d.broken, null);
    assert.deepEqual(d.brokenReasons, ['one']);
    assert.equal(d.matchScore, null);
  });

  void it('survives deep nesting and prototype keys', () => {
    const deep = '{"a":'.repeat(5000) + '"leaf"' + '}'.repeat(5000); // built as text: too deep for our own JSON.stringify
    const raw = `{"documents":[{"key":"P","data":{"LastName":"X"},"metadata":{"verifications":${deep}},"__proto__":{"polluted":1}}]}`;
    const r = parsedOk(raw);
    assert.ok(JSON.stringify(r.documents[0]!.verifications).length < 1000);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const proto = parsedOk(body(doc({ metadata: { verifications: JSON.parse('{"__proto__":{"polluted":2},"constructor":1,"ok":1}') } })));
    assert.deepEqual(proto.documents[0]!.verifications, { ok: 1 });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  void it('bounds a 10 MB body with many documents and fields', () => {
    const fields = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`F${i}`, 'x'.repeat(200)]));
    const documents = Array.from({ length: 10 }, () => doc({ data: fields }));
    const raw = body(...documents);
    assert.ok(raw.length > 10_000_000, `body is ${raw.length} bytes`);
    const r = parsedOk(raw);
    assert.ok(r.documents.length <= 50);
    assert.ok(r.documents.every((d) => d.fields.length <= 200));
  });

  void it('answers invalid or unexpected JSON with a Russian error, never a throw', () => {
    for (const raw of ['', 'not json', '{"documents":', '<html>502 Bad Gateway</html>', 'null', '[]', '"str"', '{"documents":"x"}', '{"documents":[]}', '{"documents":[1,"a",null]}', '\u0000'.repeat(100)]) {
      const r = parseResultBody(raw);
      assert.equal(r.ok, false, raw.slice(0, 30));
      assert.match((r as { error: string }).error, /[А-Яа-я]/);
    }
  });
});
