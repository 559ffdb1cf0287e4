// A repository's statements are prepared once per connection: `perConnection(build)` returns a getter that builds
// them on first use for a Db and hands back the same set after (for modules that are plain functions of a context).
import type { Db } from './open.ts';

export function perConnection<T>(build: (db: Db) => T): (db: Db) => T {
  const built = new WeakMap<Db, T>();
  return (db) => {
    let repo = built.get(db);
    if (repo === undefined) built.set(db, (repo = build(db)));
    return repo;
  };
}
