// Synthetic scans drawn as SVG and rasterised with sharp (librsvg). They look enough like the real documents
// for a clerk-facing demo and the review UI (layout, fonts, red vertical series/number, MRZ in monospace), and
// each one carries its scenario payload in EXIF ([Note: the scan carries its own answer], scenario.ts).
import sharp from 'sharp';
import type { SamplePerson } from './person.ts';
import { exifFor, type SampleDocType, type SampleScenario } from './scenario.ts';
import { createRng } from './random.ts';

export type RenderOptions = {
  format?: 'jpeg' | 'png';
  scenario?: SampleScenario;
  /** false → no embedded payload (the simulator then derives data from the image hash). */
  embed?: boolean;
  /** Tilt the "scan" a little, as a flatbed scan would be (degrees). Default: small, seeded by the person. */
  tiltDeg?: number;
};

const FONT = 'DejaVu Sans, Arial, sans-serif';
const MONO = 'DejaVu Sans Mono, Courier New, monospace';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function text(x: number, y: number, s: string, size: number, extra = ''): string {
  return `<text x="${x}" y="${y}" font-size="${size}" ${extra}>${esc(s)}</text>`;
}

/** Greedy word wrap by character count (fonts are not measured; DejaVu caps are ~0.7em wide). */
function wrap(s: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of s.split(/\s+/)) {
    if (line && (line + ' ' + word).length > maxChars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Fine sinusoidal lines like the security background of Russian blanks. */
function guilloche(x: number, y: number, w: number, h: number, color: string, seed: number, lines = 14): string {
  const rng = createRng(seed);
  let out = '';
  for (let i = 0; i < lines; i++) {
    const y0 = y + ((i + 0.5) * h) / lines;
    const amp = 6 + rng.next() * 14;
    const period = 60 + rng.next() * 90;
    const phase = rng.next() * Math.PI * 2;
    let d = `M${x} ${y0.toFixed(1)}`;
    for (let px = x; px <= x + w; px += 16) d += ` L${px} ${(y0 + amp * Math.sin(phase + (px / period) * Math.PI * 2)).toFixed(1)}`;
    out += `<path d="${d}" stroke="${color}" stroke-width="1.2" fill="none" opacity="0.5"/>`;
  }
  return out;
}

/** A drawn head-and-shoulders portrait; the same `face` gives the same look in the passport and the selfie. */
export function faceSvg(face: SamplePerson['face'], x: number, y: number, w: number, h: number, female: boolean): string {
  const cx = x + w / 2;
  const headW = w * 0.36;
  const headH = h * 0.3;
  const headY = y + h * 0.38;
  const hairLong = female || face.hairStyle === 2;
  const hair = hairLong
    ? `<path d="M${cx - headW * 1.15} ${headY + headH * 1.4} Q${cx - headW * 1.3} ${headY - headH * 1.25} ${cx} ${headY - headH * 1.2} Q${cx + headW * 1.3} ${headY - headH * 1.25} ${cx + headW * 1.15} ${headY + headH * 1.4} Z" fill="${face.hair}"/>`
    : `<ellipse cx="${cx}" cy="${headY - headH * 0.35}" rx="${headW * 1.05}" ry="${headH * 0.8}" fill="${face.hair}"/>`;
  const eyeY = headY - headH * 0.05;
  const eyeDx = headW * 0.4;
  return [
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="#e9edf0"/>`,
    hair,
    `<path d="M${x + w * 0.08} ${y + h} Q${x + w * 0.12} ${y + h * 0.74} ${cx - headW * 0.45} ${y + h * 0.7} L${cx + headW * 0.45} ${y + h * 0.7} Q${x + w * 0.88} ${y + h * 0.74} ${x + w * 0.92} ${y + h} Z" fill="#3d4652"/>`,
    `<rect x="${cx - headW * 0.32}" y="${headY + headH * 0.7}" width="${headW * 0.64}" height="${h * 0.14}" fill="${face.skin}"/>`,
    `<ellipse cx="${cx}" cy="${headY}" rx="${headW}" ry="${headH}" fill="${face.skin}"/>`,
    hairLong ? '' : `<path d="M${cx - headW} ${headY - headH * 0.3} Q${cx} ${headY - headH * 1.85} ${cx + headW} ${headY - headH * 0.3} Q${cx} ${headY - headH * 0.75} ${cx - headW} ${headY - headH * 0.3} Z" fill="${face.hair}"/>`,
    `<ellipse cx="${cx - eyeDx}" cy="${eyeY}" rx="${headW * 0.14}" ry="${headH * 0.07}" fill="#fff"/>`,
    `<ellipse cx="${cx + eyeDx}" cy="${eyeY}" rx="${headW * 0.14}" ry="${headH * 0.07}" fill="#fff"/>`,
    `<circle cx="${cx - eyeDx}" cy="${eyeY}" r="${headH * 0.05}" fill="${face.eyes}"/>`,
    `<circle cx="${cx + eyeDx}" cy="${eyeY}" r="${headH * 0.05}" fill="${face.eyes}"/>`,
    `<path d="M${cx - eyeDx - headW * 0.18} ${eyeY - headH * 0.16} q${headW * 0.18} ${-headH * 0.07} ${headW * 0.36} 0 M${cx + eyeDx - headW * 0.18} ${eyeY - headH * 0.16} q${headW * 0.18} ${-headH * 0.07} ${headW * 0.36} 0" stroke="${face.hair}" stroke-width="${Math.max(2, w * 0.012)}" fill="none"/>`,
    `<path d="M${cx} ${eyeY + headH * 0.05} l${-headW * 0.08} ${headH * 0.3} l${headW * 0.12} 0" stroke="#9a6b50" stroke-width="${Math.max(1.5, w * 0.007)}" fill="none"/>`,
    `<path d="M${cx - headW * 0.28} ${headY + headH * 0.52} q${headW * 0.28} ${headH * 0.12} ${headW * 0.56} 0" stroke="#a0524a" stroke-width="${Math.max(2, w * 0.01)}" fill="none"/>`,
  ].join('');
}

function stamp(cx: number, cy: number, r: number, lines: string[], color: string): string {
  return `<g opacity="0.55" fill="none" stroke="${color}" stroke-width="3"><circle cx="${cx}" cy="${cy}" r="${r}"/><circle cx="${cx}" cy="${cy}" r="${r * 0.72}"/></g>`
    + lines.map((l, i) => text(cx, cy - ((lines.length - 1) * r * 0.14) / 2 + i * r * 0.14 + r * 0.04, l, r * 0.11, `text-anchor="middle" fill="${color}" opacity="0.6" font-family="${FONT}"`)).join('');
}

function signature(x: number, y: number, seed: number): string {
  const rng = createRng(seed);
  let d = `M${x} ${y}`;
  for (let i = 0; i < 7; i++) d += ` q${10 + rng.next() * 25} ${-30 + rng.next() * 60} ${25 + rng.next() * 25} ${-10 + rng.next() * 20}`;
  return `<path d="${d}" stroke="#1d2a6b" stroke-width="3" fill="none" opacity="0.85"/>`;
}

/** Rasterises the drawing; the scan tilt is an SVG transform (librsvg draws it rotated for free, unlike a resample). */
async function encode(inner: string, w: number, h: number, docType: SampleDocType, p: SamplePerson, opts: RenderOptions): Promise<Buffer> {
  const tilt = opts.tiltDeg ?? (createRng(p.id.length * 131 + p.number.charCodeAt(0)).next() - 0.5) * 1.2;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`
    + `<rect width="${w}" height="${h}" fill="#f4f4f1"/><g transform="rotate(${tilt.toFixed(3)} ${w / 2} ${h / 2})">${inner}</g></svg>`;
  let img = sharp(Buffer.from(svg), { density: 72 });
  if (opts.embed !== false) img = img.withExif(exifFor({ v: 1, docType, person: p, ...(opts.scenario ? { scenario: opts.scenario } : {}) }));
  return opts.format === 'png' ? img.png({ compressionLevel: 6 }).toBuffer() : img.jpeg({ quality: 82 }).toBuffer();
}

const seedOf = (p: SamplePerson) => p.number.split('').reduce((a, c) => a * 31 + c.charCodeAt(0), 7) >>> 0;

/** Passport pages 2–3 spread, 1240×1754 before tilt. */
export async function renderPassport(p: SamplePerson, opts: RenderOptions = {}): Promise<Buffer> {
  const W = 1240;
  const H = 1754;
  const half = H / 2;
  const seed = seedOf(p);
  const label = `fill="#6b4a55" font-family="${FONT}"`;
  const value = `fill="#111" font-family="${FONT}" font-weight="bold"`;
  const seriesNo = `${p.series.slice(0, 2)} ${p.series.slice(2)} ${p.number}`;
  const vertical = (y: number) => `<text x="0" y="0" transform="translate(${W - 48} ${y}) rotate(90)" font-size="44" fill="#c0262d" font-family="${MONO}" letter-spacing="6">${esc(seriesNo)}</text>`;
  const issued = wrap(p.issuedBy, 34);
  const birthPlace = wrap(p.birthPlace, 26);
  const svg = `
  <defs><linearGradient id="pg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f6e9ea"/><stop offset="1" stop-color="#e9efe6"/></linearGradient></defs>
  <rect width="${W}" height="${H}" fill="url(#pg)"/>
  ${guilloche(0, 0, W, half, '#d9b8c0', seed)}
  ${guilloche(0, half, W, half, '#bcd2c0', seed + 1)}
  <line x1="0" y1="${half}" x2="${W}" y2="${half}" stroke="#a89a9a" stroke-width="3"/>
  ${text(W / 2, 90, 'РОССИЙСКАЯ ФЕДЕРАЦИЯ', 46, `text-anchor="middle" fill="#7a3d4c" font-family="${FONT}" font-weight="bold"`)}
  ${text(70, 190, 'Паспорт выдан', 28, label)}
  ${issued.map((l, i) => text(70, 245 + i * 48, l, 38, value)).join('')}
  ${text(70, 470, 'Дата выдачи', 28, label)}${text(300, 470, p.issueDate, 40, value)}
  ${text(590, 470, 'Код подразделения', 28, label)}${text(920, 470, p.departmentCode, 40, value)}
  ${text(70, 620, 'Личный код', 24, label)}
  ${signature(760, 640, seed)}${text(700, 700, 'Подпись', 22, label)}
  ${stamp(330, 680, 130, ['МВД РОССИИ', p.departmentCode, 'ДЛЯ ПАСПОРТОВ'], '#3b4fa0')}
  ${vertical(120)}
  <rect x="70" y="${half + 80}" width="330" height="430" fill="#fff" stroke="#8a8a8a" stroke-width="2"/>
  ${faceSvg(p.face, 75, half + 85, 320, 420, p.gender === 'Ж')}
  ${text(460, half + 110, 'Фамилия', 28, label)}${text(460, half + 160, p.lastName, 46, value)}
  ${text(460, half + 225, 'Имя', 28, label)}${text(460, half + 275, p.firstName, 46, value)}
  ${text(460, half + 340, 'Отчество', 28, label)}${text(460, half + 390, p.middleName, 46, value)}
  ${text(460, half + 455, 'Пол', 28, label)}${text(540, half + 455, p.gender === 'М' ? 'МУЖ.' : 'ЖЕН.', 40, value)}
  ${text(720, half + 455, 'Дата рождения', 28, label)}${text(720, half + 505, p.birthDate, 40, value)}
  ${text(460, half + 565, 'Место рождения', 28, label)}
  ${birthPlace.map((l, i) => text(460, half + 615 + i * 46, l, 38, value)).join('')}
  ${signature(120, half + 600, seed + 7)}
  <rect x="30" y="${H - 175}" width="${W - 60}" height="150" fill="#f7f4f0" opacity="0.85"/>
  ${text(50, H - 115, p.mrz1, 40, `fill="#111" font-family="${MONO}" textLength="${W - 140}" lengthAdjust="spacingAndGlyphs"`)}
  ${text(50, H - 50, p.mrz2, 40, `fill="#111" font-family="${MONO}" textLength="${W - 140}" lengthAdjust="spacingAndGlyphs"`)}
  ${vertical(half + 120)}
`;
  return encode(svg, W, H, 'PASSPORT', p, opts);
}

/** INN certificate (Свидетельство о постановке на учёт физического лица в налоговом органе), 1240×1754. */
export async function renderInn(p: SamplePerson, opts: RenderOptions = {}): Promise<Buffer> {
  const W = 1240;
  const H = 1754;
  const seed = seedOf(p) + 11;
  const label = `fill="#2f4a3a" font-family="${FONT}"`;
  const value = `fill="#111" font-family="${FONT}" font-weight="bold"`;
  const center = `text-anchor="middle"`;
  const male = p.gender === 'М';
  const cells = p.inn.split('').map((d, i) => `<rect x="${250 + i * 62}" y="1180" width="56" height="76" fill="#fff" stroke="#2f4a3a" stroke-width="2"/>${text(278 + i * 62, 1236, d, 48, `text-anchor="middle" fill="#111" font-family="${MONO}" font-weight="bold"`)}`).join('');
  const formNo = `${p.inn.slice(0, 2)} № ${p.inn.slice(2, 11)}`;
  const svg = `
  <rect width="${W}" height="${H}" fill="#f3f6ef"/>
  ${guilloche(0, 0, W, H, '#c7dcc4', seed, 30)}
  <rect x="40" y="40" width="${W - 80}" height="${H - 80}" fill="none" stroke="#5f8a6a" stroke-width="10" stroke-dasharray="30 8"/>
  <rect x="70" y="70" width="${W - 140}" height="${H - 140}" fill="none" stroke="#5f8a6a" stroke-width="2"/>
  ${text(W / 2, 170, 'РОССИЙСКАЯ ФЕДЕРАЦИЯ', 36, `${center} ${label}`)}
  ${text(W / 2, 225, 'ФЕДЕРАЛЬНАЯ НАЛОГОВАЯ СЛУЖБА', 36, `${center} ${label} font-weight="bold"`)}
  ${text(W / 2, 330, 'СВИДЕТЕЛЬСТВО', 64, `${center} fill="#1f3a2a" font-family="${FONT}" font-weight="bold"`)}
  ${text(W / 2, 390, 'о постановке на учёт физического лица', 34, `${center} ${label}`)}
  ${text(W / 2, 435, 'в налоговом органе', 34, `${center} ${label}`)}
  ${text(120, 530, 'Настоящее свидетельство подтверждает, что физическое лицо', 28, label)}
  ${text(W / 2, 600, `${p.lastName} ${p.firstName}`, 44, `${center} ${value}`)}
  ${text(W / 2, 655, p.middleName, 44, `${center} ${value}`)}
  <line x1="120" y1="670" x2="${W - 120}" y2="670" stroke="#2f4a3a"/>
  ${text(W / 2, 695, '(фамилия, имя, отчество)', 20, `${center} ${label}`)}
  ${text(120, 760, 'пол', 28, label)}${text(190, 760, male ? 'мужской' : 'женский', 34, value)}
  ${text(460, 760, 'дата рождения', 28, label)}${text(700, 760, p.birthDate, 34, value)}
  ${text(120, 830, 'место рождения', 28, label)}${text(370, 830, p.birthPlace, 34, value)}
  ${text(120, 920, `${male ? 'поставлен' : 'поставлена'} на учёт в соответствии с Налоговым кодексом Российской Федерации`, 24, label)}
  ${text(120, 965, `${p.innRegDate} в налоговом органе по месту жительства`, 28, label)}
  ${text(W / 2, 1040, p.taxOffice, 34, `${center} ${value}`)}
  ${text(W / 2, 1130, `и ${male ? 'ему' : 'ей'} присвоен ИНН`, 32, `${center} ${label}`)}
  ${cells}
  ${text(120, 1420, 'Должность уполномоченного лица', 24, label)}
  ${signature(620, 1420, seed)}
  ${stamp(930, 1450, 140, ['ФНС РОССИИ', p.taxOffice.replace(/ ПО .*/, ''), 'ИНН'], '#3b4fa0')}
  ${text(W / 2, H - 140, `серия ${formNo}`, 36, `${center} fill="#b3262b" font-family="${MONO}"`)}
`;
  return encode(svg, W, H, 'INN', p, opts);
}

/** A selfie-like portrait, 1080×1440. */
export async function renderSelfie(p: SamplePerson, opts: RenderOptions = {}): Promise<Buffer> {
  const W = 1080;
  const H = 1440;
  const rng = createRng(seedOf(p) + 23);
  const wall = rng.pick(['#d8cfc4', '#c9d6df', '#e3dccf', '#cfd8c8']);
  const svg = `
  <defs><radialGradient id="light" cx="0.3" cy="0.2" r="0.9"><stop offset="0" stop-color="#ffffff" stop-opacity="0.45"/><stop offset="1" stop-color="#000000" stop-opacity="0.15"/></radialGradient></defs>
  <rect width="${W}" height="${H}" fill="${wall}"/>
  <rect x="${W * 0.62}" y="${H * 0.08}" width="${W * 0.3}" height="${H * 0.35}" fill="#f4f1ea" stroke="#8d8575" stroke-width="8"/>
  <g transform="translate(${W * 0.05} ${H * 0.1})">${faceSvg(p.face, 0, 0, W * 0.9, H * 0.9, p.gender === 'Ж').replace('fill="#e9edf0"', 'fill="none"')}</g>
  <rect width="${W}" height="${H}" fill="url(#light)"/>
`;
  return encode(svg, W, H, 'SELFIE', p, opts);
}
