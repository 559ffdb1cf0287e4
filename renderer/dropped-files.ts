// What a drop onto the window holds: files, and folders walked down to their files, each with its folder
// relative to what was dropped ("Пакет/Иванов И.И."), so the engine can keep one case per sub-folder.
// Pure (no DOM types): the entry shape below is the part of the File and Directory Entries API we use,
// so unit tests can fake it under Node.

/** One entry of a drop: DataTransferItem.webkitGetAsEntry() adapted to callbacks we can fake. */
export type DropEntry<F> = {
  name: string;
  /** '/Пакет/Иванов/паспорт.jpg' — relative to the drop, with a leading slash. */
  fullPath: string;
  file?: () => Promise<F>;
  /** Children of a directory; the real reader returns batches, the adapter reads until an empty one. */
  children?: () => Promise<DropEntry<F>[]>;
};

export type DroppedFile<F> = { file: F; dir: string | undefined };

export type DropScan<F> = {
  files: DroppedFile<F>[];
  /** Names of files ScanDesk cannot read (not JPEG, PNG, PDF or TIFF by their extension). */
  unsupported: string[];
  /** Entries the browser would not let us read (permissions, vanished while walking). */
  unreadable: string[];
};

const SUPPORTED = /\.(jpe?g|png|pdf|tiff?)$/i;
// The engine ignores these anyway (intake/rules.ts); skipping them here saves an upload and a false alarm.
const NOISE = /^(\.|~\$)|^(thumbs\.db|desktop\.ini)$/i;
// Mirrors droppedDirSchema in shared/api/queue.ts: deeper or longer folders are trimmed, never refused.
const MAX_SEGMENTS = 8;
const MAX_SEGMENT = 120;

/** The folder part of an entry's path, trimmed to what the contract accepts; undefined for a top-level file. */
export function relativeDirOf(fullPath: string): string | undefined {
  const segs = fullPath.split('/').filter((s) => s.length > 0 && s !== '.' && s !== '..').slice(0, -1);
  if (segs.length === 0) return undefined;
  // Keep the innermost folders: the last one names the person (the case label).
  return segs.slice(-MAX_SEGMENTS).map((s) => s.slice(0, MAX_SEGMENT)).join('/');
}

/** Walks the dropped entries depth-first; `onFound` reports progress while big folders are read. */
export async function scanDrop<F>(roots: DropEntry<F>[], onFound?: (files: number) => void): Promise<DropScan<F>> {
  const scan: DropScan<F> = { files: [], unsupported: [], unreadable: [] };
  const visit = async (entry: DropEntry<F>): Promise<void> => {
    if (NOISE.test(entry.name)) return;
    try {
      if (entry.children) {
        for (const child of await entry.children()) await visit(child);
      } else if (entry.file) {
        if (!SUPPORTED.test(entry.name)) {
          scan.unsupported.push(entry.name);
          return;
        }
        scan.files.push({ file: await entry.file(), dir: relativeDirOf(entry.fullPath) });
        onFound?.(scan.files.length);
      }
    } catch {
      scan.unreadable.push(entry.name);
    }
  };
  for (const root of roots) await visit(root);
  return scan;
}

/** "a.docx, b.txt и ещё 3" — enough names to recognise, never a wall of text in a toast. */
export function someNames(names: string[], lang: 'ru' | 'en', max = 3): string {
  const head = names.slice(0, max).join(', ');
  const rest = names.length - max;
  if (rest <= 0) return head;
  return lang === 'ru' ? `${head} и ещё ${rest}` : `${head} and ${rest} more`;
}
