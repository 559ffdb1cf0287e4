// Drag and drop files or folders onto the window → 'intake:add-files' (base64, in ~20 MB batches), with
// progress. Folders are walked through webkitGetAsEntry() (Chromium, so browser mode and Electron alike) and
// every file keeps its folder relative to the drop, so a dropped batch of people still groups into one case
// per sub-folder. Unsupported formats and files over 50 MB are named to the clerk, not uploaded.
import { useEffect, useState } from 'react';
import { call } from '../api.ts';
import { useApp } from '../app-context.ts';
import { scanDrop, someNames, type DropEntry, type DroppedFile } from '../dropped-files.ts';

export const MAX_DROP_BYTES = 50 * 1024 * 1024;
const BATCH_BYTES = 20 * 1024 * 1024;
const BATCH_FILES = 100;

function toBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => {
      const s = String(r.result);
      resolve(s.slice(s.indexOf(',') + 1));
    };
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsDataURL(file);
  });
}

/** The browser's entry as our small DropEntry: directory readers return batches until an empty one. */
function fromEntry(entry: FileSystemEntry): DropEntry<File> {
  if (entry.isDirectory) {
    const dir = entry as FileSystemDirectoryEntry;
    return {
      name: entry.name,
      fullPath: entry.fullPath,
      children: async () => {
        const reader = dir.createReader();
        const all: FileSystemEntry[] = [];
        for (;;) {
          const batch = await new Promise<FileSystemEntry[]>((ok, fail) => reader.readEntries(ok, fail));
          if (batch.length === 0) break;
          all.push(...batch);
        }
        return all.map(fromEntry);
      },
    };
  }
  const file = entry as FileSystemFileEntry;
  return { name: entry.name, fullPath: entry.fullPath, file: () => new Promise<File>((ok, fail) => file.file(ok, fail)) };
}

/** Entries must be taken while the drop event runs: the DataTransfer is emptied once it returns. */
function entriesOf(data: DataTransfer): DropEntry<File>[] {
  const entries = Array.from(data.items)
    .filter((i) => i.kind === 'file')
    .map((i) => i.webkitGetAsEntry?.() ?? null)
    .filter((e): e is FileSystemEntry => e !== null);
  if (entries.length > 0) return entries.map(fromEntry);
  // No entry support (or a synthetic drop): plain top-level files.
  return Array.from(data.files).map((f) => ({ name: f.name, fullPath: `/${f.name}`, file: () => Promise.resolve(f) }));
}

type Progress = { phase: 'reading'; found: number } | { phase: 'sending'; done: number; total: number };

export function DropZone() {
  const { lang, t, toast, toastError } = useApp();
  const [over, setOver] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);

  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => { if (hasFiles(e)) { depth++; setOver(true); e.preventDefault(); } };
    const leave = () => { depth = Math.max(0, depth - 1); if (depth === 0) setOver(false); };
    const overH = (e: DragEvent) => { if (hasFiles(e)) e.preventDefault(); };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer || !hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      void addDropped(entriesOf(e.dataTransfer));
    };

    const upload = async (files: DroppedFile<File>[]): Promise<number> => {
      let written = 0;
      let done = 0;
      let batch: { name: string; dataBase64: string; dir?: string }[] = [];
      let size = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        written += (await call('intake:add-files', { files: batch })).written;
        done += batch.length;
        setProgress({ phase: 'sending', done, total: files.length });
        batch = [];
        size = 0;
      };
      setProgress({ phase: 'sending', done: 0, total: files.length });
      for (const { file, dir } of files) {
        batch.push({ name: file.name, dataBase64: await toBase64(file), ...(dir ? { dir } : {}) });
        size += file.size;
        // Batches so one request never carries the whole drop.
        if (size >= BATCH_BYTES || batch.length >= BATCH_FILES) await flush();
      }
      await flush();
      return written;
    };

    const addDropped = async (entries: DropEntry<File>[]) => {
      try {
        setProgress({ phase: 'reading', found: 0 });
        const scan = await scanDrop(entries, (found) => setProgress({ phase: 'reading', found }));
        if (scan.unsupported.length > 0) toast('warning', t('drop.unsupported', { n: scan.unsupported.length, names: someNames(scan.unsupported, lang) }));
        if (scan.unreadable.length > 0) toast('warning', t('drop.unreadable', { names: someNames(scan.unreadable, lang) }));
        const ok = scan.files.filter(({ file }) => {
          if (file.size > MAX_DROP_BYTES) { toast('warning', t('drop.tooBig', { name: file.name })); return false; }
          return true;
        });
        if (ok.length === 0) {
          if (scan.unsupported.length === 0 && scan.unreadable.length === 0) toast('warning', t('drop.nothing'));
          return;
        }
        toast('info', t('drop.done', { n: await upload(ok) }));
      } catch (err) {
        toastError(err);
      } finally {
        setProgress(null);
      }
    };

    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overH);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overH);
      window.removeEventListener('drop', drop);
    };
  }, [lang, t, toast, toastError]);

  return (
    <>
      {over ? <div className="drop-overlay">{t('drop.hint')}</div> : null}
      {progress ? (
        <div className="drop-progress" role="status" data-testid="drop-progress">
          {progress.phase === 'reading' ? t('drop.reading', { n: progress.found }) : (
            <>
              {t('drop.progress', { done: progress.done, total: progress.total })}
              <progress value={progress.done} max={progress.total} />
            </>
          )}
        </div>
      ) : null}
    </>
  );
}
