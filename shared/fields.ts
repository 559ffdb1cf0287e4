// Field catalogue per document type, as the Beorg API names them (see beorg-api.md §0, §5).
import type { DocType } from './types.ts';

export const PASSPORT_FIELDS = [
  'LastName', 'FirstName', 'MiddleName', 'Gender', 'BirthDate', 'BirthPlace',
  'Series', 'Number', 'IssuedBy', 'IssueDate', 'IssueId', 'Address',
  'HasPhoto', 'HasOwnerSignature', 'HasStamp', 'MRZ1', 'MRZ2',
] as const;

export const INN_FIELDS = [
  'INN', 'LastName', 'FirstName', 'MiddleName', 'Gender', 'BirthDate', 'BirthPlace',
  'OrgName', 'OGRN', 'KPP', 'RegDate', 'RegPlace', 'IssueId', 'HasSeal', 'HasSignature',
] as const;

export const SELFIE_FIELDS = [] as const;

/**
 * The API returns fields a document simply does not have (Address on pages 2–3, KPP on a personal INN
 * certificate) as an empty value with confidence 0. That is "absent", not "uncertain": a required field
 * that is missing gets an error finding from validation instead, which does need attention.
 */
export function isAbsentField(value: string | null, confidence: number | null): boolean {
  return (value ?? '') === '' && confidence === 0;
}


export function fieldsOf(type: DocType): readonly string[] {
  switch (type) {
    case 'PASSPORT': return PASSPORT_FIELDS;
    case 'INN': return INN_FIELDS;
    case 'SELFIE': return SELFIE_FIELDS;
  }
}

/** Field columns the document grid hides until the clerk shows them (column chooser). The others are on screen
 *  from the start, so each of them has a sort index (review/query.ts INDEXED_FIELD_SORTS). */
export function hiddenInGridByDefault(name: string): boolean {
  return name.startsWith('Has') || name.startsWith('MRZ') || ['Address', 'BirthPlace', 'OGRN', 'KPP', 'RegDate', 'RegPlace', 'OrgName'].includes(name);
}

/** Dates as the documents print them (ДД.ММ.ГГГГ). */
export const DATE_FIELDS: ReadonlySet<string> = new Set(['BirthDate', 'IssueDate', 'RegDate']);

/** Identifiers and dates: always text in spreadsheets (leading zeros, no re-typing). */
export const TEXT_LIKE_FIELDS = new Set([
  'Series', 'Number', 'IssueId', 'IssueDate', 'BirthDate', 'INN', 'OGRN', 'KPP', 'RegDate', 'MRZ1', 'MRZ2',
]);

export const FIELD_LABELS: Record<string, { ru: string; en: string }> = {
  LastName: { ru: 'Фамилия', en: 'Surname' },
  FirstName: { ru: 'Имя', en: 'Given name' },
  MiddleName: { ru: 'Отчество', en: 'Patronymic' },
  Gender: { ru: 'Пол', en: 'Gender' },
  BirthDate: { ru: 'Дата рождения', en: 'Birth date' },
  BirthPlace: { ru: 'Место рождения', en: 'Birth place' },
  Series: { ru: 'Серия', en: 'Series' },
  Number: { ru: 'Номер', en: 'Number' },
  IssuedBy: { ru: 'Кем выдан', en: 'Issued by' },
  IssueDate: { ru: 'Дата выдачи', en: 'Issue date' },
  IssueId: { ru: 'Код подразделения', en: 'Department code' },
  Address: { ru: 'Адрес', en: 'Address' },
  HasPhoto: { ru: 'Есть фото', en: 'Has photo' },
  HasOwnerSignature: { ru: 'Подпись владельца', en: "Owner's signature" },
  HasStamp: { ru: 'Печать', en: 'Stamp' },
  MRZ1: { ru: 'MRZ, строка 1', en: 'MRZ line 1' },
  MRZ2: { ru: 'MRZ, строка 2', en: 'MRZ line 2' },
  INN: { ru: 'ИНН', en: 'INN' },
  OrgName: { ru: 'Налоговый орган', en: 'Tax office' },
  OGRN: { ru: 'ОГРН', en: 'OGRN' },
  KPP: { ru: 'КПП', en: 'KPP' },
  RegDate: { ru: 'Дата постановки на учёт', en: 'Registration date' },
  RegPlace: { ru: 'Место постановки на учёт', en: 'Registration place' },
  HasSeal: { ru: 'Печать', en: 'Seal' },
  HasSignature: { ru: 'Подпись', en: 'Signature' },
};

export const DOC_TYPE_LABELS: Record<DocType, { ru: string; en: string }> = {
  PASSPORT: { ru: 'Паспорт', en: 'Passport' },
  INN: { ru: 'ИНН', en: 'INN' },
  SELFIE: { ru: 'Селфи', en: 'Selfie' },
};
