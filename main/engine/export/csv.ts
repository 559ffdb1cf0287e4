// CSV for the three targets clerks actually open (capture-anchors pitfall 17):
//  excel-ru    UTF-8 + BOM, ';', CRLF — Russian Excel splits on the Windows list separator and needs the BOM;
//  excel-utf16 UTF-16LE + BOM, TAB — the one variant every localised Excel opens without the import wizard;
//  rfc4180     UTF-8, ',', LF — for scripts and 1C loaders that expect the standard.
// Quoting (';', quotes, line breaks, TAB inside values) is csv-stringify's; formula guard is ours (columns.ts).
import { stringify } from 'csv-stringify/sync';
import type { CsvPreset } from './types.ts';
import { toCsvText, type CellData, type Column, type Unit } from './columns.ts';
import type { Sink } from './sink.ts';

type PresetSpec = { delimiter: string; recordDelimiter: string; encoding: 'utf8' | 'utf16le'; bom: boolean; decimalComma: boolean };

export const CSV_PRESET_SPECS: Record<CsvPreset, PresetSpec> = {
  'excel-ru': { delimiter: ';', recordDelimiter: '\r\n', encoding: 'utf8', bom: true, decimalComma: true },
  'excel-utf16': { delimiter: '\t', recordDelimiter: '\r\n', encoding: 'utf16le', bom: true, decimalComma: true },
  rfc4180: { delimiter: ',', recordDelimiter: '\n', encoding: 'utf8', bom: false, decimalComma: false },
};

export function createCsvWriter(sink: Sink, preset: CsvPreset, columns: readonly Column[]) {
  const spec = CSV_PRESET_SPECS[preset];
  const encode = (text: string) => Buffer.from(text, spec.encoding);
  const cell = (v: CellData) => {
    // Russian Excel reads "0,95" as a number and "0.95" as a date or text.
    const text = toCsvText(v);
    return typeof v === 'number' && spec.decimalComma ? text.replace('.', ',') : text;
  };
  const toText = (rows: string[][]) => stringify(rows, { delimiter: spec.delimiter, record_delimiter: spec.recordDelimiter });
  return {
    async header() {
      if (spec.bom) await sink.write(encode('\uFEFF'));
      await sink.write(encode(toText([columns.map((c) => toCsvText(c.header))])));
    },
    async rows(units: readonly Unit[]) {
      if (units.length === 0) return;
      await sink.write(encode(toText(units.map((u) => columns.map((c) => cell(c.value(u)))))));
    },
  };
}
