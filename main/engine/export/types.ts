import type { CSV_PRESETS } from '../../../shared/api/export.ts';

export type CsvPreset = (typeof CSV_PRESETS)[number];
