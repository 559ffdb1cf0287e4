// SQLite statement text → PostgreSQL ([Note: PostgreSQL behind a synchronous connection]). The repositories write
// SQLite; the handful of constructs PostgreSQL spells differently are rewritten here, in one place, and the test
// suite that runs the engine on both stores is what keeps this list complete:
// - `?` and `@name` parameters → `$n` (a name used twice is one parameter);
// - `INSERT OR IGNORE` → `ON CONFLICT DO NOTHING`; an INSERT into a table with an `id` answers `RETURNING id`
//   (better-sqlite3's lastInsertRowid);
// - `x IN (SELECT value FROM json_each(?))` → json_array_elements_text, typed by the column (ids are BIGINT);
// - scalar MAX(a, b)/MIN(a, b) → GREATEST/LEAST; instr → strpos; the one strftime form the app uses;
// - `a IS b` (b not NULL) → `IS NOT DISTINCT FROM`; camelCase aliases are quoted (PostgreSQL folds names to lower case);
// - LIKE → ILIKE (SQLite's LIKE ignores case); SQLite's planner hint `+col` is dropped;
// - ORDER BY terms sort NULLs as SQLite does (first ascending, last descending; the PostgreSQL indexes agree).

export type Translated = { sql: string; params: Array<number | string> };

/** The one text column matched against a JSON list (export preview's field names); every other one holds ids. */
const TEXT_COLUMN = /(^|\.)name$/;

function rewriteJsonEach(sql: string): string {
  return sql
    .replace(/SELECT \?, value FROM json_each\(\?\)/g, 'SELECT ?::bigint, value::bigint FROM json_array_elements_text(?::json)')
    .replace(/([\w.]+) IN \(SELECT value FROM json_each\(\?\)\)/g, (_m, col: string) =>
      TEXT_COLUMN.test(col)
        ? `${col} IN (SELECT value FROM json_array_elements_text(?::json))`
        : `${col} IN (SELECT value::bigint FROM json_array_elements_text(?::json))`,
    )
    .replace(/IN \(SELECT value FROM json_each\(\?\)\)/g, 'IN (SELECT value::bigint FROM json_array_elements_text(?::json))');
}

/** MAX(a, b) with two arguments is SQLite's scalar max; PostgreSQL's MAX is only the aggregate. */
function rewriteScalarMinMax(sql: string): string {
  const re = /\b(MAX|MIN)\(/gi;
  let out = '';
  let from = 0;
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    const open = m.index + m[0].length;
    let depth = 1;
    let comma = false;
    let i = open;
    for (; i < sql.length && depth > 0; i++) {
      if (sql[i] === '(') depth++;
      else if (sql[i] === ')') depth--;
      else if (sql[i] === ',' && depth === 1) comma = true;
    }
    if (!comma) continue;
    out += sql.slice(from, m.index) + (m[1]!.toUpperCase() === 'MAX' ? 'GREATEST(' : 'LEAST(');
    from = open;
  }
  return out + sql.slice(from);
}

/** Split on commas outside parentheses. */
function topLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '(') depth++;
    else if (list[i] === ')') depth--;
    else if (list[i] === ',' && depth === 0) {
      parts.push(list.slice(from, i));
      from = i + 1;
    }
  }
  return [...parts, list.slice(from)];
}

/** Where an ORDER BY list that starts at `from` ends: a closing parenthesis of its own level, LIMIT, OFFSET or the end. */
function orderListEnd(sql: string, from: number): number {
  let depth = 0;
  for (let i = from; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'") i = sql.indexOf("'", i + 1) < 0 ? sql.length : sql.indexOf("'", i + 1);
    else if (ch === '(') depth++;
    else if (ch === ')' && depth-- === 0) return i;
    else if (ch === ';' || (depth === 0 && /^\s(LIMIT|OFFSET)\b/i.test(sql.slice(i, i + 8)))) return i;
  }
  return sql.length;
}

/** SQLite sorts NULL first ascending and last descending; PostgreSQL the other way round. An `id` is never NULL. */
function rewriteOrderBy(sql: string): string {
  const re = /\bORDER BY\s+/gi;
  let out = '';
  let from = 0;
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    const listStart = m.index + m[0].length;
    const listEnd = orderListEnd(sql, listStart);
    const terms = topLevel(sql.slice(listStart, listEnd)).map((term) => {
      const t = term.trim();
      if (/\bNULLS\b/i.test(t) || /^(\w+\.)?id(\s+(ASC|DESC))?$/i.test(t) || /^\d+(\s+(ASC|DESC))?$/i.test(t)) return term;
      return /\sDESC$/i.test(t) ? `${term.trimEnd()} NULLS LAST` : `${term.trimEnd()} NULLS FIRST`;
    });
    out += sql.slice(from, listStart) + terms.join(',');
    from = listEnd;
    re.lastIndex = listEnd;
  }
  return out + sql.slice(from);
}

function rewriteDialect(sql: string, tablesWithId: ReadonlySet<string>): string {
  let s = rewriteOrderBy(rewriteJsonEach(sql));
  s = rewriteScalarMinMax(s);
  s = s
    .replace(/\binstr\(/gi, 'strpos(')
    .replace(/strftime\('%Y-%m-%d', ([^,]+?), 'unixepoch', 'localtime'\)/g, "to_char(to_timestamp($1), 'YYYY-MM-DD')")
    .replace(/\bIS NOT (?!NULL\b|DISTINCT\b|TRUE\b|FALSE\b)('[^']*'|[\w.?]+)/g, 'IS DISTINCT FROM $1')
    .replace(/\bIS (?!NOT\b|NULL\b|DISTINCT\b|TRUE\b|FALSE\b)('[^']*'|[\w.?]+)/g, 'IS NOT DISTINCT FROM $1')
    .replace(/\bLIKE\b/g, 'ILIKE')
    // `+col = …` keeps a column's index out of SQLite's planner; PostgreSQL has no unary plus on text (and plans alone).
    .replace(/([\s(])\+(?=[a-z_])/g, '$1')
    .replace(/\bAS ([a-z]+[A-Z]\w*)\b/g, 'AS "$1"');
  const orIgnore = /^\s*INSERT OR IGNORE INTO/i.test(s);
  if (orIgnore) s = s.replace(/INSERT OR IGNORE INTO/i, 'INSERT INTO').replace(/;?\s*$/, ' ON CONFLICT DO NOTHING');
  const target = /^\s*INSERT\s+INTO\s+(\w+)/i.exec(s)?.[1];
  if (target && tablesWithId.has(target.toLowerCase()) && !/\bRETURNING\b/i.test(s)) s = s.replace(/;?\s*$/, ' RETURNING id');
  return s;
}

/** Number the parameters: `?` in order, `@name`/`:name`/`$name` once per name. Quoted text and comments are kept. */
function numberParams(sql: string): Translated {
  const params: Array<number | string> = [];
  const named = new Map<string, number>();
  let positional = 0;
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      const end = sql.indexOf(ch, i + 1);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop + 1);
      i = stop;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (ch === '?') {
      params.push(positional++);
      out += `$${params.length}`;
    } else if ((ch === '@' || ch === ':') && /[A-Za-z_]/.test(sql[i + 1] ?? '') && sql[i - 1] !== ':') {
      const name = /^[A-Za-z_]\w*/.exec(sql.slice(i + 1))![0];
      let n = named.get(name);
      if (n === undefined) {
        params.push(name);
        named.set(name, (n = params.length));
      }
      out += `$${n}`;
      i += name.length;
    } else out += ch;
  }
  return { sql: out, params };
}

export function translate(sql: string, tablesWithId: ReadonlySet<string>): Translated {
  return numberParams(rewriteDialect(sql, tablesWithId));
}
