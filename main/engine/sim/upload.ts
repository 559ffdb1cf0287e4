// add_document request validation. The real API's error behaviour is undocumented (beorg-api.md §2.3, §8.3–8.4),
// so the simulator is deliberately STRICT: a client that passes here sends requests the real API cannot misread.
import { createHash } from 'node:crypto';
import type { ProcessInfoItem, SimConfig } from './config.ts';

export const KNOWN_STAGES = ['verification', 'biometry_match', 'biometry_liveness'] as const;
export type Stage = (typeof KNOWN_STAGES)[number];
export type ImageFormat = 'jpeg' | 'png' | 'pdf' | 'tiff' | 'unknown';

export type UploadImage = { bytes: Buffer; sha256: string; format: ImageFormat };
export type UploadEntry = { key: string; type: string; stages: Stage[]; relation: Record<string, string> };
export type UploadRequest = { token: string; machineUid: string; projectId: string; images: UploadImage[]; entries: UploadEntry[] };

export type ApiError = { status: number; body: unknown };
export type Validated<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const apiError = (status: number, type: string, message: string): ApiError => ({ status, body: { errors: { type, message } } });
const bad = (message: string): { ok: false; error: ApiError } => ({ ok: false, error: apiError(400, 'BadRequest', message) });

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function sniffFormat(b: Buffer): ImageFormat {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (b.length >= 5 && b.toString('latin1', 0, 5) === '%PDF-') return 'pdf';
  if (b.length >= 4 && (b.readUInt32BE(0) === 0x49492a00 || b.readUInt32BE(0) === 0x4d4d002a)) return 'tiff';
  return 'unknown';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Token + machine_uid + project, in the order a gateway would check them: 401 before 404. */
export function authorize(body: Record<string, unknown>, cfg: SimConfig): Validated<{ token: string; machineUid: string; projectId: string }> {
  const token = body.token;
  const machineUid = body.machine_uid;
  const account = cfg.accounts.find((a) => a.token === token && a.machineUid === machineUid);
  if (typeof token !== 'string' || typeof machineUid !== 'string' || !account) {
    return { ok: false, error: apiError(401, 'AccessDenied', 'Access denied: invalid token or machine_uid') };
  }
  const projectId = typeof body.project_id === 'string' ? body.project_id
    : cfg.acceptCampaignId && typeof body.campaign_id === 'string' ? body.campaign_id : undefined;
  if (projectId === undefined || !account.projects.includes(projectId) || !cfg.projects[projectId]) {
    return { ok: false, error: apiError(404, 'CampaignNotFound', `Project ${JSON.stringify(projectId ?? null)} not found`) };
  }
  return { ok: true, value: { token, machineUid, projectId } };
}

function decodeImages(raw: unknown, cfg: SimConfig): Validated<UploadImage[]> {
  if (!Array.isArray(raw) || raw.length === 0) return bad('images must be a non-empty list of base64 strings');
  if (raw.length > cfg.maxImages) return bad(`too many images: ${raw.length} > ${cfg.maxImages}`);
  const images: UploadImage[] = [];
  let total = 0;
  for (const [i, s] of raw.entries()) {
    if (typeof s !== 'string') return bad(`images[${i}] must be a base64 string`);
    if (s.length === 0) return bad(`images[${i}] is empty`);
    if (s.length % 4 !== 0 || !BASE64.test(s)) return bad(`images[${i}] is not valid base64`);
    const bytes = Buffer.from(s, 'base64');
    if (bytes.length === 0) return bad(`images[${i}] is empty`);
    if (bytes.length > cfg.maxFileBytes) return { ok: false, error: apiError(413, 'PayloadTooLarge', `images[${i}] is larger than ${cfg.maxFileBytes} bytes`) };
    total += bytes.length;
    if (total > cfg.maxTotalBytes) return { ok: false, error: apiError(413, 'PayloadTooLarge', `images are larger than ${cfg.maxTotalBytes} bytes in total`) };
    const format = sniffFormat(bytes);
    const supported = format === 'jpeg' || format === 'png' || format === 'pdf' || (format === 'tiff' && cfg.acceptTiff);
    if (!supported && cfg.unsupportedFormat === 'reject') return bad(`images[${i}]: unsupported file format (JPEG, PNG or PDF expected)`);
    images.push({ bytes, sha256: createHash('sha256').update(bytes).digest('hex'), format: supported ? format : 'unknown' });
  }
  return { ok: true, value: images };
}

function parseEntries(raw: unknown, imageCount: number, types: readonly string[]): Validated<UploadEntry[]> {
  if (!Array.isArray(raw)) return bad('process_info must be a list');
  if (raw.length !== imageCount) return bad(`process_info has ${raw.length} items but images has ${imageCount}; they must match one to one`);
  const entries: UploadEntry[] = [];
  for (const [i, item] of raw.entries()) {
    if (!isObject(item)) return bad(`process_info[${i}] must be an object`);
    const { type, key, options } = item;
    if (typeof type !== 'string' || type === '') return bad(`process_info[${i}].type is required`);
    if (!types.includes(type)) return bad(`process_info[${i}].type ${JSON.stringify(type)} is unknown or not enabled for this project`);
    if (key !== undefined && (typeof key !== 'string' || key === '')) return bad(`process_info[${i}].key must be a non-empty string`);
    if (options !== undefined && !isObject(options)) return bad(`process_info[${i}].options must be an object`);
    const stagesRaw = options?.stages ?? [];
    if (!Array.isArray(stagesRaw)) return bad(`process_info[${i}].options.stages must be a list`);
    const stages: Stage[] = [];
    for (const s of stagesRaw) {
      if (typeof s !== 'string' || !(KNOWN_STAGES as readonly string[]).includes(s)) return bad(`process_info[${i}]: unknown stage ${JSON.stringify(s)}`);
      if (!stages.includes(s as Stage)) stages.push(s as Stage);
    }
    const relationRaw = options?.relation ?? {};
    if (!isObject(relationRaw)) return bad(`process_info[${i}].options.relation must be an object`);
    const relation: Record<string, string> = {};
    for (const [stage, target] of Object.entries(relationRaw)) {
      if (stage !== 'biometry_match') return bad(`process_info[${i}]: relation is only allowed for biometry_match, not ${JSON.stringify(stage)}`);
      if (!stages.includes('biometry_match')) return bad(`process_info[${i}]: relation.biometry_match given but stage biometry_match is not requested`);
      if (typeof target !== 'string') return bad(`process_info[${i}]: relation.biometry_match must be a key`);
      relation[stage] = target;
    }
    if (stages.includes('biometry_match') && relation.biometry_match === undefined) return bad(`process_info[${i}]: stage biometry_match needs relation.biometry_match`);
    entries.push({ key: typeof key === 'string' ? key : type, type, stages, relation });
  }
  // Cross-entry rules: one type per key; relations name another key of this request.
  const typeOfKey = new Map<string, string>();
  for (const [i, e] of entries.entries()) {
    const t = typeOfKey.get(e.key);
    if (t !== undefined && t !== e.type) return bad(`process_info[${i}]: key ${JSON.stringify(e.key)} is used with types ${t} and ${e.type}`);
    typeOfKey.set(e.key, e.type);
  }
  for (const [i, e] of entries.entries()) {
    const target = e.relation.biometry_match;
    if (target === undefined) continue;
    if (!typeOfKey.has(target)) return bad(`process_info[${i}]: relation names key ${JSON.stringify(target)}, which is not in this request`);
    if (target === e.key) return bad(`process_info[${i}]: relation may not name the document itself`);
  }
  return { ok: true, value: entries };
}

/** Project default process_info, fitted to the image count (RuSwift-style requests omit it). */
function defaultEntries(defaults: ProcessInfoItem[], imageCount: number): ProcessInfoItem[] {
  const first = defaults[0] ?? { type: 'PASSPORT' };
  // More images than defaults: extra images join the first entry's key (e.g. more pages of one passport).
  const items = Array.from({ length: imageCount }, (_, i) => (i < defaults.length ? defaults[i]! : first));
  // Fewer images than defaults: a relation to an entry that was cut off is dropped with its stage.
  const keys = new Set(items.map((it) => it.key ?? it.type));
  return items.map((it) => {
    const target = it.options?.relation?.biometry_match;
    if (target === undefined || keys.has(target)) return it;
    return { ...it, options: { stages: (it.options?.stages ?? []).filter((s) => s !== 'biometry_match') } };
  });
}

export function validateUpload(body: unknown, cfg: SimConfig): Validated<UploadRequest> {
  if (!isObject(body)) return bad('request body must be a JSON object');
  const auth = authorize(body, cfg);
  if (!auth.ok) return auth;
  const project = cfg.projects[auth.value.projectId]!;
  const images = decodeImages(body.images, cfg);
  if (!images.ok) return images;
  const processInfo = body.process_info === undefined || body.process_info === null
    ? defaultEntries(project.defaultProcessInfo, images.value.length)
    : body.process_info;
  const entries = parseEntries(processInfo, images.value.length, project.types);
  if (!entries.ok) return entries;
  return { ok: true, value: { ...auth.value, images: images.value, entries: entries.value } };
}
