// [Note: the scan carries its own answer] The simulator must return the data drawn on a sample scan, and tests
// must be able to plant OCR mistakes, low confidences, biometry scores, broken results and delays per image.
// The payload travels INSIDE the image as EXIF IFD0 ImageDescription (base64url JSON behind a marker), because
// the engine re-encodes scans with `sharp(buf).resize(...).jpeg({quality: 85}).keepMetadata()` and converts
// PNG → JPEG the same way: EXIF survives both (PNG carries it in an eXIf chunk), pixels and PNG text chunks do
// not. Reading is a plain byte search (no decoding), so the simulator can afford it on every upload.
import sharp from 'sharp';
import { z } from 'zod';
import type { SamplePerson } from './person.ts';
import { isValidInn } from '../validation/primitives.ts';

export type SampleDocType = 'PASSPORT' | 'INN' | 'SELFIE';

export type BrokenReasonCode =
  | 'no_metadata' | 'fields_not_recognized' | 'not_document' | 'poor_quality' | 'blurred' | 'glare' | 'cropped'
  | 'forgery' | 'other';

export type SampleScenario = {
  /** API field names to report with low confidence (value from `confidences` or a default 0.55–0.8). */
  lowConfidence?: string[];
  /** Exact confidences to report, e.g. `{ BirthPlace: 0.62 }`. */
  confidences?: Record<string, number>;
  /** Planted misreads: the API returns these values instead of what is drawn (e.g. one wrong INN digit). */
  ocrOverrides?: Record<string, string>;
  /** Face-match similarity reported for a passport whose selfie is this image (or for this passport). */
  similarity?: number;
  /** Liveness probability for a selfie. */
  liveness?: number;
  /** true → broken with a default reason; or an explicit list of reason codes. */
  broken?: boolean | BrokenReasonCode[];
  /** Poor image: slower processing, lower confidences, marked broken "poor_quality" by the simulator. */
  poor?: boolean;
  /** Processing delay for this image's document, before the simulator's timeScale. */
  delayMs?: number;
};

export type ScenarioPayload = { v: 1; docType: SampleDocType; person: SamplePerson; scenario?: SampleScenario };

const MARKER = 'SCANDESK-SCENARIO/1:';
const TERMINATOR = '.'; // not in the base64url alphabet

const personSchema = z.object({
  id: z.string(), lastName: z.string(), firstName: z.string(), middleName: z.string(), gender: z.enum(['М', 'Ж']),
  birthDate: z.string(), birthPlace: z.string(), series: z.string(), number: z.string(), issueDate: z.string(),
  issuedBy: z.string(), departmentCode: z.string(), address: z.string(), inn: z.string(), innRegDate: z.string(),
  taxOffice: z.string(), mrz1: z.string(), mrz2: z.string(), slug: z.string(),
  face: z.object({ skin: z.string(), hair: z.string(), hairStyle: z.number(), eyes: z.string() }),
});
const reasonSchema = z.enum(['no_metadata', 'fields_not_recognized', 'not_document', 'poor_quality', 'blurred', 'glare', 'cropped', 'forgery', 'other']);
const payloadSchema = z.object({
  v: z.literal(1),
  docType: z.enum(['PASSPORT', 'INN', 'SELFIE']),
  person: personSchema,
  scenario: z.object({
    lowConfidence: z.array(z.string()).optional(),
    confidences: z.record(z.string(), z.number().min(0).max(1)).optional(),
    ocrOverrides: z.record(z.string(), z.string()).optional(),
    similarity: z.number().min(0).max(1).optional(),
    liveness: z.number().min(0).max(1).optional(),
    broken: z.union([z.boolean(), z.array(reasonSchema)]).optional(),
    poor: z.boolean().optional(),
    delayMs: z.number().min(0).optional(),
  }).optional(),
});

/** The ImageDescription string for a payload (renderers put it in with the same encode that draws the scan). */
export function scenarioExifValue(payload: ScenarioPayload): string {
  return MARKER + Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url') + TERMINATOR;
}

export function exifFor(payload: ScenarioPayload): { IFD0: { ImageDescription: string } } {
  return { IFD0: { ImageDescription: scenarioExifValue(payload) } };
}

/** Re-encodes `buf` (JPEG stays JPEG at high quality, anything else becomes PNG) with the payload embedded. */
export async function embedScenario(buf: Buffer, payload: ScenarioPayload): Promise<Buffer> {
  const meta = await sharp(buf).metadata();
  const img = sharp(buf).withExif(exifFor(payload));
  return meta.format === 'jpeg' ? img.jpeg({ quality: 92 }).toBuffer() : img.png().toBuffer();
}

/** The embedded payload, or null when there is none or it does not parse (never throws). */
export function readScenario(buf: Buffer): ScenarioPayload | null {
  const start = buf.indexOf(MARKER, 0, 'latin1');
  if (start < 0) return null;
  const from = start + MARKER.length;
  const end = buf.indexOf(TERMINATOR, from, 'latin1');
  if (end < 0 || end - from > 256 * 1024) return null;
  try {
    const json: unknown = JSON.parse(Buffer.from(buf.toString('latin1', from, end), 'base64url').toString('utf8'));
    const parsed = payloadSchema.safeParse(json);
    return parsed.success ? (parsed.data as ScenarioPayload) : null;
  } catch {
    return null;
  }
}

/** Replace one digit with a different one (deterministically), e.g. to plant an INN misread that breaks its checksum. */
function flipDigit(s: string, at: number, delta = 3): string {
  const d = Number(s[at]);
  return s.slice(0, at) + String((d + delta) % 10) + s.slice(at + 1);
}

/** A one-digit INN misread that really fails the checksum (a rare change can keep both check digits valid). */
function misreadInn(inn: string): string {
  for (let delta = 3; delta < 12; delta++) {
    const v = flipDigit(inn, 7, delta % 10 || 1);
    if (!isValidInn(v)) return v;
  }
  return flipDigit(inn, 10);
}

/**
 * The demo's scenario: a fixed catalogue of planted problems (`scenarioFor: demoScenarioFor`, used by `scandesk demo`
 * and the app's demo mode). Everything else on a demo scan is read exactly as drawn; these differences are on purpose.
 * Every 8 people show, in turn, a clean case, a misread INN digit, a low-confidence name, an MRZ/printed number
 * mismatch, a Latin look-alike letter in a surname, a face match below 0.95, a failed liveness, and a poor (broken)
 * passport scan.
 */
export function demoScenarioFor(index: number, type: SampleDocType, person: SamplePerson): SampleScenario | undefined {
  switch (index % 8) {
    case 1: return type === 'INN' ? { ocrOverrides: { INN: misreadInn(person.inn) } } : undefined;
    case 2: return type === 'PASSPORT' ? { lowConfidence: ['LastName', 'FirstName'], confidences: { LastName: 0.58, FirstName: 0.64 } } : undefined;
    case 3: return type === 'PASSPORT' ? { ocrOverrides: { Number: flipDigit(person.number, 2) } } : undefined;
    case 4: {
      if (type !== 'PASSPORT') return undefined;
      const latin = person.lastName.replace(/[ОЕА]/u, (c) => ({ О: 'O', Е: 'E', А: 'A' })[c] ?? c);
      return latin === person.lastName ? undefined : { ocrOverrides: { LastName: latin } };
    }
    case 5: return type === 'SELFIE' ? { similarity: 0.93 } : undefined;
    case 6: return type === 'SELFIE' ? { liveness: 0.62 } : undefined;
    case 7: return type === 'PASSPORT' ? { poor: true } : undefined;
    default: return undefined;
  }
}
