// Structural checks pre-flight runs on what the decoder accepted. [Note: hostile files in pre-flight]
// - JPEG / PNG: where the image really ends. Bytes after the end (a ZIP, an MP4, a script) are no part of the scan
//   but would be uploaded unchanged; pre-flight sends a copy cut at the end instead (lossless: the image bytes and
//   their metadata stay exactly as scanned). A re-encoded upload drops such a tail by construction.
// - PDF: active content. A document scan needs none; JavaScript, launch/submit/import actions, an action run on open
//   (/OpenAction given as an action — a destination like [page /Fit] only says where to open and is fine),
//   additional-action triggers (/AA) and embedded files are refused with the reason, as are PDFs over a page limit.
import { PDFArray, PDFDict, PDFName, PDFStream, type PDFDocument, type PDFObject } from 'pdf-lib';

/** Offset just past the JPEG's EOI marker, or null when the marker structure is not what a baseline/progressive JPEG has. */
export function jpegEnd(b: Buffer): number | null {
  if (b[0] !== 0xff || b[1] !== 0xd8) return null;
  let i = 2;
  while (i < b.length) {
    if (b[i] !== 0xff) return null;
    while (b[i] === 0xff) i++; // fill bytes before a marker
    const marker = b[i++];
    if (marker === undefined) return null;
    if (marker === 0xd9) return i;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // markers without a length
    if (i + 2 > b.length) return null;
    const len = b.readUInt16BE(i);
    if (len < 2 || i + len > b.length) return null;
    i += len;
    if (marker !== 0xda) continue;
    // Entropy-coded data after SOS: runs until a marker that is not a stuffed 0x00 or a restart marker.
    for (;;) {
      i = b.indexOf(0xff, i);
      if (i < 0) return null;
      const next = b[i + 1];
      if (next === undefined) return null;
      if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) {
        i += next === 0xff ? 1 : 2;
        continue;
      }
      break;
    }
  }
  return null;
}

/** Offset just past the PNG's IEND chunk, or null when the chunk list is broken. */
export function pngEnd(b: Buffer): number | null {
  let i = 8;
  while (i + 12 <= b.length) {
    const len = b.readUInt32BE(i);
    const type = b.toString('latin1', i + 4, i + 8);
    const next = i + 12 + len;
    if (next > b.length) return null;
    if (type === 'IEND') return next;
    i = next;
  }
  return null;
}

const ACTIVE_ACTIONS = new Set(['/JavaScript', '/Launch', '/SubmitForm', '/ImportData', '/GoToE', '/GoToR', '/Rendition', '/RichMediaExecute']);

/** Why a PDF carries active content (a short Russian reason), or null when it has none. */
export function pdfActiveContent(doc: PDFDocument): string | null {
  const catalog = doc.catalog;
  if (catalog.lookup(PDFName.of('OpenAction')) instanceof PDFDict) {
    return 'действие при открытии (OpenAction)';
  }
  if (catalog.has(PDFName.of('AA'))) return 'автоматические действия (AA)';
  const seen = new Set<PDFObject>();
  const visit = (obj: PDFObject | undefined, depth: number): string | null => {
    if (!obj || depth > 32 || seen.has(obj)) return null;
    seen.add(obj);
    const dict = obj instanceof PDFStream ? obj.dict : obj instanceof PDFDict ? obj : null;
    if (dict) {
      for (const [key, value] of dict.entries()) {
        const k = key.asString();
        if (k === '/JS' || k === '/JavaScript') return 'JavaScript';
        if (k === '/EmbeddedFiles' || (k === '/Type' && value instanceof PDFName && value.asString() === '/EmbeddedFile')) return 'вложенные файлы';
        if (k === '/S' && value instanceof PDFName && ACTIVE_ACTIONS.has(value.asString())) return `действие ${value.asString().slice(1)}`;
        if (k === '/AA') return 'автоматические действия (AA)';
        const found = visit(value, depth + 1);
        if (found) return found;
      }
    } else if (obj instanceof PDFArray) {
      for (const v of obj.asArray()) {
        const found = visit(v, depth + 1);
        if (found) return found;
      }
    }
    return null;
  };
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    const found = visit(obj, 0);
    if (found) return found;
  }
  return null;
}
