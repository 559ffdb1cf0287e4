// The scan beside the form: zoom (wheel, +/−), pan (drag), rotate, fit. Images (TIFF arrives as PNG)
// are an <img>; PDFs are rendered page by page to a canvas with pdfjs-dist (loaded lazily, worker as a
// separate file so CSP script-src 'self' holds).
import { useEffect, useRef, useState } from 'react';
import { imageUrl } from '../api.ts';
import { useApp } from '../app-context.ts';

type Props = { documentId: number; mime: string | null; pages: number };

async function renderPdfPage(url: string, page: number, canvas: HTMLCanvasElement): Promise<void> {
  const pdfjs = await import('pdfjs-dist');
  const worker = await import('pdfjs-dist/build/pdf.worker.min.mjs?url');
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
  const doc = await pdfjs.getDocument({ url }).promise;
  try {
    const p = await doc.getPage(Math.min(page, doc.numPages));
    const viewport = p.getViewport({ scale: 2 });
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    await p.render({ canvas, viewport }).promise;
  } finally {
    await doc.destroy();
  }
}

export function ScanViewer({ documentId, mime, pages }: Props) {
  const { t } = useApp();
  const [page, setPage] = useState(1);
  const [zoom, setZoom] = useState(1);
  const [rotation, setRotation] = useState(0);
  const [offset, setOffset] = useState({ x: 0, y: 0 });
  const [failed, setFailed] = useState(false);
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const drag = useRef<{ x: number; y: number; ox: number; oy: number } | null>(null);
  const isPdf = mime === 'application/pdf';
  const url = imageUrl(documentId, page);

  const fit = () => {
    setZoom(1);
    setOffset({ x: 0, y: 0 });
  };
  useEffect(() => {
    setPage(1);
    setRotation(0);
    setFailed(false);
    fit();
  }, [documentId]);

  useEffect(() => {
    if (!isPdf || !canvasRef.current) return;
    let cancelled = false;
    setFailed(false);
    renderPdfPage(url, page, canvasRef.current).catch(() => { if (!cancelled) setFailed(true); });
    return () => { cancelled = true; };
  }, [isPdf, url, page]);

  const transform = `translate(${offset.x}px, ${offset.y}px) scale(${zoom}) rotate(${rotation}deg)`;
  return (
    <div className="viewer" data-testid="scan-viewer"
      onKeyDown={(e) => {
        if (e.target instanceof HTMLInputElement) return;
        if (e.key === '+' || e.key === '=') setZoom((z) => Math.min(8, z * 1.25));
        else if (e.key === '-') setZoom((z) => Math.max(0.2, z / 1.25));
        else if (e.key === 'r' || e.key === 'R' || e.key === 'к' || e.key === 'К') setRotation((r) => (r + 90) % 360);
        else if (e.key === '0') fit();
      }}
      tabIndex={-1}
    >
      <div className="viewer-tools">
        <button type="button" className="btn btn-small" title={t('viewer.zoomOut')} aria-label={t('viewer.zoomOut')} onClick={() => setZoom((z) => Math.max(0.2, z / 1.25))}>−</button>
        <span className="zoom-level">{Math.round(zoom * 100)}%</span>
        <button type="button" className="btn btn-small" title={t('viewer.zoomIn')} aria-label={t('viewer.zoomIn')} onClick={() => setZoom((z) => Math.min(8, z * 1.25))}>+</button>
        <button type="button" className="btn btn-small" title={t('viewer.rotate')} aria-label={t('viewer.rotate')} onClick={() => setRotation((r) => (r + 90) % 360)}>⟳</button>
        <button type="button" className="btn btn-small" title={t('viewer.fit')} aria-label={t('viewer.fit')} onClick={fit}>⤢</button>
        {pages > 1 ? (
          <span className="pager">
            <button type="button" className="btn btn-small" aria-label={t('viewer.prevPage')} disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>‹</button>
            {t('detail.page', { n: page, m: pages })}
            <button type="button" className="btn btn-small" aria-label={t('viewer.nextPage')} disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>›</button>
          </span>
        ) : null}
      </div>
      <div
        className="viewer-stage"
        onWheel={(e) => setZoom((z) => Math.min(8, Math.max(0.2, z * (e.deltaY < 0 ? 1.1 : 1 / 1.1))))}
        onPointerDown={(e) => { drag.current = { x: e.clientX, y: e.clientY, ox: offset.x, oy: offset.y }; (e.target as Element).setPointerCapture?.(e.pointerId); }}
        onPointerMove={(e) => { const d = drag.current; if (d) setOffset({ x: d.ox + e.clientX - d.x, y: d.oy + e.clientY - d.y }); }}
        onPointerUp={() => { drag.current = null; }}
      >
        {failed ? <div className="viewer-empty">{t('detail.noImage')}</div> : isPdf ? (
          <canvas ref={canvasRef} className="scan" style={{ transform }} data-testid="scan-canvas" />
        ) : (
          <img key={url} src={url} className="scan" style={{ transform }} alt="" draggable={false} onError={() => setFailed(true)} data-testid="scan-image" />
        )}
      </div>
    </div>
  );
}
