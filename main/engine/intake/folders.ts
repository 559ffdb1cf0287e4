// The contract's folder and intake handlers: watched folders (add, update, remove, rescan), files dropped into the
// app, and "show in folder".
import { constants as fsc } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { folderOptionsSchema, type Folder, type FolderOptions } from '../../../shared/settings.ts';
import type { EngineModule } from '../context.ts';
import { UserError } from '../dispatch.ts';
import type { Hub } from './hub.ts';
import { toFolder } from './repo.ts';
import { MANUAL_DIR, sanitiseFileName, splitRel } from './rules.ts';
import type { WatchPart } from './watch.ts';

async function validateDir(p: string): Promise<string> {
  const isUnc = p.startsWith('\\\\');
  if (!isUnc && !path.isAbsolute(p)) throw new UserError('folder.not-absolute', `Укажите полный путь к папке (сейчас: «${p}»)`, 'The folder path must be absolute');
  const abs = isUnc ? p : path.resolve(p);
  let st;
  try {
    st = await fs.stat(abs);
  } catch {
    throw new UserError('folder.not-found', `Папка не найдена: ${abs}`, 'Folder not found');
  }
  if (!st.isDirectory()) throw new UserError('folder.not-directory', `Это не папка, а файл: ${abs}`, 'Not a directory');
  try {
    await fs.access(abs, fsc.R_OK | fsc.X_OK);
  } catch {
    throw new UserError('folder.not-readable', `Нет прав на чтение папки: ${abs}`, 'Folder is not readable');
  }
  return abs;
}

export function createFolderHandlers(hub: Hub, watch: WatchPart): EngineModule['handlers'] {
  const { ctx, q } = hub;
  const { db, clock } = ctx;

  function mustFolder(id: number): Folder {
    const f = hub.getFolder(id);
    if (!f) throw new UserError('folder.unknown', 'Папка не найдена в списке наблюдаемых', 'Unknown folder');
    return f;
  }
  /** A new folder's files show at once: it is walked now, and again once the watcher is ready, so a file written
   *  while the watcher starts (it can take a second on a large folder) is not left for the periodic rescan. A file
   *  met by both walks is noted once (settle.ts keeps one pending entry per path). */
  const watchThenScan = (folder: Folder) => {
    hub.track(watch.scanFolder(folder));
    hub.track(watch.watchFolder(folder).then((ready) => (ready ? watch.scanFolder(folder) : undefined)));
  };

  async function writeDropped(dropDir: string, f: { name: string; dir?: string | undefined; dataBase64: string }): Promise<string> {
    // A dropped folder keeps its sub-folders, so placeFile groups one case per person folder. The contract
    // (droppedDirSchema) already refused '..', absolute paths and control characters; each segment is still
    // sanitised like a file name, and the result must stay inside the drop folder.
    const dir = f.dir ? path.join(dropDir, ...splitRel(f.dir).map(sanitiseFileName)) : dropDir;
    if (dir !== dropDir && !dir.startsWith(dropDir + path.sep)) throw new UserError('intake.bad-name', `Недопустимая папка: ${f.dir}`, 'Bad folder name');
    await fs.mkdir(dir, { recursive: true });
    const target = await hub.originals.uniqueTarget(dir, sanitiseFileName(f.name));
    if (path.dirname(target) !== dir) throw new UserError('intake.bad-name', `Недопустимое имя файла: ${f.name}`, 'Bad file name');
    // Written under a dot-name (ignored by intake) and renamed, so intake never sees a half-written file.
    const tmp = path.join(dir, `.${path.basename(target)}.part`);
    await fs.writeFile(tmp, Buffer.from(f.dataBase64, 'base64'));
    await fs.rename(tmp, target);
    return target;
  }

  return {
    'folders:list': async () => q.folders.all().map(toFolder),
    'folders:add': async ({ path: p, defaultType, options }) => {
      const abs = await validateDir(p);
      if (q.folderByPath.get(abs)) throw new UserError('folder.exists', `Папка уже наблюдается: ${abs}`, 'Folder already watched');
      const opts: FolderOptions = folderOptionsSchema.parse(options ?? {});
      const id = Number(q.insertFolder.run(abs, defaultType, JSON.stringify(opts), clock.now()).lastInsertRowid);
      const folder = mustFolder(id);
      if (hub.isRunning()) watchThenScan(folder);
      return folder;
    },
    'folders:update': async ({ id, defaultType, options, enabled }) => {
      const f = mustFolder(id);
      const opts = folderOptionsSchema.parse({ ...f.options, ...(options ?? {}) });
      q.updateFolder.run(defaultType ?? f.defaultType, JSON.stringify(opts), (enabled ?? f.enabled) ? 1 : 0, id);
      const next = mustFolder(id);
      watch.unwatchFolder(id);
      if (hub.isRunning() && next.enabled) {
        watchThenScan(next);
        if (next.options.originals === 'move' && f.options.originals !== 'move') hub.track(hub.originals.moveFinishedOriginals(id));
      }
      return next;
    },
    'folders:remove': async ({ id }) => {
      mustFolder(id);
      watch.unwatchFolder(id);
      hub.settle.dropFolder(id);
      // Files still settling will never be decided now: say so, then drop the folder (documents keep their history).
      db.transaction(() => {
        for (const d of q.unsettled.all()) {
          if (d.folder_id === id) q.setStatus.run('ignored', 'Папка больше не наблюдается', 'intake.folder-removed', clock.now(), d.id);
        }
        q.deleteFolder.run(id);
      })();
      ctx.events.documentsChanged('all');
      hub.cases.evaluateCases(true);
    },
    'folders:rescan': async ({ id }) => {
      if (id !== undefined) mustFolder(id);
      await watch.scanNow(id);
    },
    'intake:add-files': async ({ files }) => {
      const first = q.folders.all().map(toFolder).find((f) => f.enabled);
      if (!first) throw new UserError('intake.no-folder', 'Сначала добавьте наблюдаемую папку — файлам некуда лечь', 'Add a watched folder first');
      const dropDir = path.join(first.path, MANUAL_DIR);
      let written = 0;
      for (const f of files) {
        const target = await writeDropped(dropDir, f);
        written++;
        // Don't rely on the watcher having caught up with a just-created sub-folder: note the file directly.
        if (hub.isRunning()) hub.track(hub.settle.noteFile(first, target));
      }
      return { written };
    },
    'documents:open-location': async ({ documentId }) => {
      const d = q.doc.get(documentId);
      if (!d) throw new UserError('document.unknown', 'Документ не найден', 'Document not found');
      const p = d.current_path ?? d.path;
      return { path: p, revealed: ctx.reveal(p) };
    },
  };
}
