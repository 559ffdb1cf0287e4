// Drag and drop files onto the window → 'intake:add-files' (base64), with progress. Files over 50 MB
// are refused with a message (the engine would refuse them too, after a pointless upload).
import { useEffect, useState } from 'react';
import { call, errorText } from '../api.ts';
import { useApp } from '../app-context.ts';

export const MAX_DROP_BYTES = 50 * 1024 * 1024;
const BATCH_BYTES = 20 * 1024 * 1024;

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

export function DropZone() {
  const { lang, t, toast } = useApp();
  const [over, setOver] = useState(false);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);

  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => { if (hasFiles(e)) { depth++; setOver(true); e.preventDefault(); } };
    const leave = () => { depth = Math.max(0, depth - 1); if (depth === 0) setOver(false); };
    const overH = (e: DragEvent) => { if (hasFiles(e)) e.preventDefault(); };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setOver(false);
      void addFiles(Array.from(e.dataTransfer?.files ?? []));
    };
    const addFiles = async (files: File[]) => {
      const ok = files.filter((f) => {
        if (f.size > MAX_DROP_BYTES) { toast('warning', t('drop.tooBig', { name: f.name })); return false; }
        return true;
      });
      if (ok.length === 0) return;
      setProgress({ done: 0, total: ok.length });
      let written = 0;
      let done = 0;
      try {
        // Batches of ~20 MB so one request never carries the whole drop.
        let batch: { name: string; dataBase64: string }[] = [];
        let size = 0;
        const flush = async () => {
          if (batch.length === 0) return;
          written += (await call('intake:add-files', { files: batch })).written;
          done += batch.length;
          setProgress({ done, total: ok.length });
          batch = [];
          size = 0;
        };
        for (const f of ok) {
          batch.push({ name: f.name, dataBase64: await toBase64(f) });
          size += f.size;
          if (size >= BATCH_BYTES || batch.length >= 100) await flush();
        }
        await flush();
        toast('info', t('drop.done', { n: written }));
      } catch (err) {
        toast('error', errorText(err, lang));
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
  }, [lang, t, toast]);

  return (
    <>
      {over ? <div className="drop-overlay">{t('drop.hint')}</div> : null}
      {progress ? <div className="drop-progress" role="status">{t('drop.progress', progress)}</div> : null}
    </>
  );
}
