// Seeds a week of past activity (requests to Beorg with durations and some 429s, results, clerk decisions and
// corrections) so the statistics view has history to draw beside a fresh demo run. Deterministic per seed.
import type { Db } from '../../main/engine/db/open.ts';

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const FIELDS = ['LastName', 'IssuedBy', 'BirthPlace', 'IssueId', 'MiddleName', 'INN', 'Address'];

export function seedActivity(db: Db, opts: { now: number; days?: number; seed?: number; actor?: string }): void {
  const rand = rng(opts.seed ?? 5);
  const hour = 3_600_000;
  const start = opts.now - (opts.days ?? 7) * 24 * hour;
  const req = db.prepare('INSERT INTO api_requests(at, case_id, kind, http_status, outcome, duration_ms, billable) VALUES (?, NULL, ?, ?, ?, ?, ?)');
  const audit = db.prepare(`INSERT INTO audit_events(at, actor, document_id, field, action, source) VALUES (?, ?, NULL, ?, ?, 'clerk')`);
  db.transaction(() => {
    for (let h = start; h < opts.now - hour; h += hour) {
      const local = new Date(h).getHours();
      if (local < 8 || local > 19) continue; // office hours
      const n = 10 + Math.floor(rand() * 30);
      for (let i = 0; i < n; i++) {
        const at = h + Math.floor(rand() * hour);
        const slow = rand() < 0.05;
        const limited = rand() < (local === 11 ? 0.2 : 0.01);
        if (limited) req.run(at, 'poll', 429, 'rate-limited', 40 + Math.floor(rand() * 40), 0);
        else req.run(at, i % 3 === 0 ? 'upload' : 'poll', 200, 'ok', Math.floor((slow ? 2500 : 300) + rand() * 600), i % 3 === 0 ? 1 : 0);
      }
      let t = h + Math.floor(rand() * 600_000);
      for (let i = 0; i < 8 + Math.floor(rand() * 10); i++) {
        t += 8_000 + Math.floor(rand() * rand() * 150_000);
        audit.run(t, opts.actor ?? 'operator', null, rand() < 0.9 ? 'confirm' : 'postpone');
        if (rand() < 0.3) audit.run(t - 2_000, opts.actor ?? 'operator', FIELDS[Math.floor(rand() * rand() * FIELDS.length)]!, 'set-field');
      }
    }
  })();
}
