// isInside: the one containment check that images (serving a scan) and privacy (purging the cache) share.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { isInside } from '../../main/engine/paths.ts';

void test('isInside: strictly inside, never the root itself or a sibling', () => {
  const root = path.resolve('/data/cache');
  assert.equal(isInside(path.join(root, 'a.png'), root), true);
  assert.equal(isInside(path.join(root, 'sub', 'b.png'), root), true);
  assert.equal(isInside(root, root), false);
  assert.equal(isInside(path.resolve('/data/cache-2/a.png'), root), false);
  assert.equal(isInside(path.resolve('/data/a.png'), root), false);
  assert.equal(isInside(path.resolve('/elsewhere'), root), false);
});

void test('isInside: a name starting with two dots is still inside', () => {
  const root = path.resolve('/data/scans');
  assert.equal(isInside(path.join(root, '..notes', 'scan.jpg'), root), true);
  assert.equal(isInside(path.join(root, '..scan.jpg'), root), true);
});
