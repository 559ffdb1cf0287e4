// One case = one person's documents. Runs the per-document validators, the API's findings, the cross-document
// checks (passport vs INN), biometry thresholds and duplicate-person hits, then decides the case verdict.
//
// Verdict rule (stated in the report):
//   rejected — selfie liveness below settings.livenessThreshold: the selfie is probably not a live person
//              (photo of a photo or a screen); correcting fields cannot cure that.
//   review   — any error, local or api (failed checksum, MRZ ≠ printed, issued before 14, face match below
//              settings.matchThreshold, API broken or a failed API check, passport ≠ INN), a duplicate
//              person (same passport or INN on another case), or no recognised passport/INN at all.
//   ok       — otherwise; warnings and info never block on their own (a passport past its age limit is a
//              warning, as ru-doc-rules.md §7 grades it; the API's own expiration_date check is an error).
import type { CaseVerdict, DocType } from '../../../shared/types.ts';
import { DOC_TYPE_LABELS, FIELD_LABELS } from '../../../shared/fields.ts';
import { apiFindings, type ApiDocInput } from './api-findings.ts';
import { compareYmd, formatRu, parseRuDate } from './dates.ts';
import type { CaseFindingDraft, FindingDraft } from './draft.ts';
import { validateInnDoc } from './inn-doc.ts';
import { nameKey, normaliseGender, normaliseName } from './names.ts';
import { validatePassport, type DocFields } from './passport.ts';

export type DuplicateHit = { kind: 'passport' | 'inn'; relatedDocumentId: number; relatedCaseLabel?: string | null };

export type CaseDocInput = ApiDocInput & {
  type: DocType;
  fields: DocFields;
  matchScore?: number | null;
  livenessScore?: number | null;
  /** Same person already in the database on another case (found by the module). */
  duplicates?: readonly DuplicateHit[];
};

export type Thresholds = { matchThreshold: number; livenessThreshold: number };
export type CaseResult = { findings: CaseFindingDraft[]; verdict: CaseVerdict; reasons: string[] };

const score = (x: number): string => x.toFixed(2).replace('.', ',');
/** A score under its threshold, rounded down: 0.9499 against 0.95 reads «0,94», never «0,95 — ниже порога 0,95». */
const scoreBelow = (x: number): string => score(Math.floor(x * 100 + 1e-9) / 100);

function crossCheck(passport: DocFields, inn: DocFields): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const f of ['LastName', 'FirstName', 'MiddleName'] as const) {
    const a = normaliseName(passport[f] ?? '');
    const b = normaliseName(inn[f] ?? '');
    if (!a || !b || nameKey(a) === nameKey(b)) continue; // Ё = Е for identity (ИР-829/08); look-alikes flagged elsewhere
    const l = FIELD_LABELS[f]!;
    out.push({ field: f, severity: 'error', code: 'cross.name', messageRu: `${l.ru} в ИНН «${b}» не совпадает с паспортом «${a}».`, messageEn: `${l.en} on the INN '${b}' differs from the passport '${a}'.` });
  }
  const pb = parseRuDate(passport.BirthDate ?? '');
  const ib = parseRuDate(inn.BirthDate ?? '');
  if (pb.ok && ib.ok && compareYmd(pb.date, ib.date) !== 0) {
    out.push({ field: 'BirthDate', severity: 'error', code: 'cross.birth-date', messageRu: `Дата рождения в ИНН ${formatRu(ib.date)} не совпадает с паспортом ${formatRu(pb.date)}.`, messageEn: `Birth date on the INN ${formatRu(ib.date)} differs from the passport ${formatRu(pb.date)}.` });
  }
  // The INN may say Latin M/F, the passport Cyrillic М/Ж: compare normalised.
  const pg = normaliseGender(passport.Gender);
  const ig = normaliseGender(inn.Gender);
  if (pg && ig && pg !== ig) {
    out.push({ field: 'Gender', severity: 'error', code: 'cross.gender', messageRu: `Пол в ИНН (${ig}) не совпадает с паспортом (${pg}).`, messageEn: `Gender on the INN (${ig === 'М' ? 'M' : 'F'}) differs from the passport (${pg === 'М' ? 'M' : 'F'}).` });
  }
  return out;
}

function pushAll(out: CaseFindingDraft[], list: FindingDraft[], docIndex: number, source: 'api' | 'local', relatedDocIndex?: number): void {
  for (const d of list) {
    const f: CaseFindingDraft = { field: d.field, severity: d.severity, code: d.code, messageRu: d.messageRu, messageEn: d.messageEn, docIndex, source };
    if (d.fix) f.fix = d.fix;
    if (relatedDocIndex !== undefined) f.relatedDocIndex = relatedDocIndex;
    out.push(f);
  }
}

function duplicateFinding(dup: DuplicateHit, docIndex: number): CaseFindingDraft {
  const what = dup.kind === 'passport' ? { ru: 'паспорт с такой же серией и номером', en: 'a passport with the same series and number' } : { ru: 'такой же ИНН', en: 'the same INN' };
  const where = dup.relatedCaseLabel ? ` («${dup.relatedCaseLabel}»)` : '';
  return {
    docIndex, source: 'local', field: dup.kind === 'passport' ? 'Number' : 'INN', severity: 'warning', code: `duplicate.${dup.kind}`,
    messageRu: `Этот человек уже встречался: ${what.ru} есть в другом деле${where}, документ №${dup.relatedDocumentId}. Проверьте, не повторная ли это подача.`,
    messageEn: `This person was seen before: ${what.en} is on another case${where}, document #${dup.relatedDocumentId}. Check for a repeat submission.`,
    relatedDocumentId: dup.relatedDocumentId,
  };
}

export function validateCase(docs: readonly CaseDocInput[], settings: Thresholds, today: Date): CaseResult {
  const findings: CaseFindingDraft[] = [];
  let passportIdx = -1;
  let selfieIdx = -1;
  let hasInn = false;
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i]!;
    pushAll(findings, apiFindings(doc), i, 'api');
    switch (doc.type) {
      case 'PASSPORT':
        if (passportIdx < 0) passportIdx = i;
        pushAll(findings, validatePassport(doc.fields, today), i, 'local');
        break;
      case 'INN':
        hasInn = true;
        pushAll(findings, validateInnDoc(doc.fields, today), i, 'local');
        break;
      case 'SELFIE':
        if (selfieIdx < 0) selfieIdx = i;
        break;
    }
    for (const dup of doc.duplicates ?? []) findings.push(duplicateFinding(dup, i));
  }
  if (passportIdx >= 0) {
    for (let i = 0; i < docs.length; i++) {
      if (docs[i]!.type === 'INN') pushAll(findings, crossCheck(docs[passportIdx]!.fields, docs[i]!.fields), i, 'local', passportIdx);
    }
  }

  // Biometry: the match score lives on the passport (stage biometry_match), liveness on the selfie.
  const matchThr = settings.matchThreshold;
  const liveThr = settings.livenessThreshold;
  let livenessFailed = false;
  if (passportIdx >= 0) {
    const m = docs[passportIdx]!.matchScore;
    if (m != null && m < matchThr) {
      findings.push({ docIndex: passportIdx, source: 'local', field: null, severity: 'error', code: 'biometry.match', relatedDocIndex: selfieIdx >= 0 ? selfieIdx : undefined,
        messageRu: `Сходство лица на селфи с фото в паспорте ${scoreBelow(m)} — ниже порога ${score(matchThr)}: возможно, это другой человек.`,
        messageEn: `Face match between the selfie and the passport photo is ${scoreBelow(m)}, below the ${score(matchThr)} threshold: possibly a different person.` });
    } else if (m == null && selfieIdx >= 0) {
      findings.push({ docIndex: passportIdx, source: 'local', field: null, severity: 'warning', code: 'biometry.match-missing', messageRu: 'Есть селфи, но сервис не вернул оценку сходства лица с паспортом.', messageEn: 'A selfie is present but the service returned no face-match score.' });
    }
  }
  if (selfieIdx >= 0) {
    const l = docs[selfieIdx]!.livenessScore;
    if (l != null && l < liveThr) {
      livenessFailed = true;
      findings.push({ docIndex: selfieIdx, source: 'local', field: null, severity: 'error', code: 'biometry.liveness',
        messageRu: `Живость селфи ${scoreBelow(l)} — ниже порога ${score(liveThr)}: возможно, снято с фотографии или экрана.`,
        messageEn: `Selfie liveness ${scoreBelow(l)} is below the ${score(liveThr)} threshold: possibly a photo of a photo or a screen.` });
    } else if (l == null) {
      findings.push({ docIndex: selfieIdx, source: 'local', field: null, severity: 'warning', code: 'biometry.liveness-missing', messageRu: 'Сервис не вернул оценку живости селфи.', messageEn: 'The service returned no liveness score for the selfie.' });
    }
  }

  const reasons: string[] = [];
  const noIdentity = passportIdx < 0 && !hasInn;
  if (noIdentity) reasons.push('В деле нет распознанного паспорта или ИНН.');
  let blocking = 0;
  // Liveness first: it is the reason for a rejection.
  for (const pass of [true, false]) {
    for (const f of findings) {
      if (f.severity !== 'error' && !f.code.startsWith('duplicate.')) continue;
      if ((f.code === 'biometry.liveness') !== pass) continue;
      if (pass === false) blocking++;
      const doc = f.docIndex != null ? docs[f.docIndex] : undefined;
      const r = doc ? `${DOC_TYPE_LABELS[doc.type].ru}: ${f.messageRu}` : f.messageRu;
      if (!reasons.includes(r)) reasons.push(r);
    }
  }
  const verdict: CaseVerdict = livenessFailed ? 'rejected' : blocking > 0 || noIdentity ? 'review' : 'ok';
  return { findings, verdict, reasons };
}
