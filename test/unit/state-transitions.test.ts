// See [Note: one table of lifecycle moves]: every edge of the table is accepted by the database, every other move is
// refused with the whole transaction rolled back, and the row keeps its last valid status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Db } from '../../main/engine/db/open.ts';
import { installTransitionGuards, TRANSITION_ABORT } from '../../main/engine/state/guards.ts';
import { assertMove, canMove, CASE_MOVES, DOC_MOVES, edges, TransitionError, type Lifecycle } from '../../main/engine/state/transitions.ts';
import { CASE_STATES, DOC_STATUSES } from '../../shared/types.ts';

const ALL: Record<Lifecycle, readonly string[]> = { document: DOC_STATUSES, case: CASE_STATES };
const SET = { document: 'UPDATE documents SET status = ? WHERE id = 1', case: 'UPDATE cases SET state = ? WHERE id = 1' };
const READ = { document: 'SELECT status AS v FROM documents WHERE id = 1', case: 'SELECT state AS v FROM cases WHERE id = 1' };

type Fixture = { db: Db; put: (l: Lifecycle, v: string) => void; move: (l: Lifecycle, v: string) => void; get: (l: Lifecycle) => string };

function fixture(): Fixture {
  const db = openDatabase(':memory:', { key: null });
  db.exec(`INSERT INTO cases(id, case_key, label, created_at, updated_at) VALUES (1, 'k', 'К', 0, 0)`);
  db.exec(`INSERT INTO documents(id, case_id, path, rel_path, file_name, doc_type, status, created_at, updated_at) VALUES (1, 1, 'p', 'p', 'p', 'PASSPORT', 'seen', 0, 0)`);
  const get = (l: Lifecycle) => db.prepare<[], { v: string }>(READ[l]).get()!.v;
  const move = (l: Lifecycle, v: string) => void db.prepare(SET[l]).run(v);
  // Seeding a starting point is not a lifecycle move: the guard is lifted for the seed only.
  const put = (l: Lifecycle, v: string) => {
    db.exec('DROP TRIGGER temp.guard_documents_status; DROP TRIGGER temp.guard_cases_state');
    move(l, v);
    installTransitionGuards(db);
  };
  return { db, put, move, get };
}

for (const lifecycle of ['document', 'case'] as const) {
  void test(`${lifecycle}: every allowed move is accepted, staying put too`, () => {
    const f = fixture();
    try {
      for (const [from, to] of edges(lifecycle)) {
        f.put(lifecycle, from);
        f.move(lifecycle, to);
        assert.equal(f.get(lifecycle), to, `${from} → ${to}`);
      }
      for (const s of ALL[lifecycle]) {
        f.put(lifecycle, s);
        f.move(lifecycle, s);
        assert.equal(f.get(lifecycle), s);
      }
    } finally {
      f.db.close();
    }
  });

  void test(`${lifecycle}: every other move throws and leaves the row where it was`, () => {
    const f = fixture();
    try {
      let refused = 0;
      for (const from of ALL[lifecycle]) {
        for (const to of ALL[lifecycle]) {
          if (from === to || canMove(lifecycle, from, to)) continue;
          f.put(lifecycle, from);
          assert.throws(() => f.move(lifecycle, to), (e: Error) => e.message.includes(TRANSITION_ABORT) && e.message.includes(`${from} → ${to}`));
          assert.equal(f.get(lifecycle), from);
          assert.throws(() => assertMove(lifecycle, from, to), TransitionError);
          refused++;
        }
      }
      const n = ALL[lifecycle].length;
      assert.equal(refused, n * (n - 1) - edges(lifecycle).length);
      assert.ok(refused > 0);
    } finally {
      f.db.close();
    }
  });
}

void test('a refused move rolls back the writer’s whole transaction', () => {
  const f = fixture();
  try {
    f.put('document', 'recognised');
    const write = f.db.transaction(() => {
      f.db.prepare(`UPDATE documents SET status_reason = 'half-written' WHERE id = 1`).run();
      f.move('document', 'sending');
    });
    assert.throws(() => write(), /not an allowed move/);
    assert.equal(f.db.prepare<[], { r: string | null }>('SELECT status_reason AS r FROM documents WHERE id = 1').get()!.r, null);
    assert.equal(f.get('document'), 'recognised');
  } finally {
    f.db.close();
  }
});

void test('the tables name only known statuses; cancelled is terminal', () => {
  for (const [from, tos] of Object.entries(DOC_MOVES)) for (const to of tos) assert.ok((DOC_STATUSES as readonly string[]).includes(to), `${from} → ${to}`);
  for (const [from, tos] of Object.entries(CASE_MOVES)) for (const to of tos) assert.ok((CASE_STATES as readonly string[]).includes(to), `${from} → ${to}`);
  assert.deepEqual(DOC_MOVES.cancelled, []);
  assert.deepEqual(CASE_MOVES.cancelled, []);
  assert.ok(!canMove('document', 'bogus', 'bogus'));
});

void test('only main/engine/state/ holds SQL that writes a document status or a case state', () => {
  const root = path.join(import.meta.dirname, '../../main');
  // The SET clause only (up to WHERE): `WHERE state = 'x'` reads a state, it does not write one.
  const writes = /(UPDATE\s+(documents|cases)\s+SET(?:(?!WHERE)[^`'"])*?\b(status|state)\s*=)|(INSERT\s+INTO\s+(documents|cases)\s*\()/gi;
  const offenders: string[] = [];
  for (const file of fs.readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || file.startsWith(path.join('engine', 'state') + path.sep)) continue;
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(writes)) offenders.push(`${file}: ${m[0].replace(/\s+/g, ' ').slice(0, 60)}`);
  }
  assert.deepEqual(offenders, []);
});
