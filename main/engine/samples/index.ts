// Sample scans: fictitious consistent people, rendered documents with an embedded scenario, folder generator.
export { createPerson, shortName, formatDate, parseDate, addYears, SAMPLE_REFERENCE_DATE, type SamplePerson } from './person.ts';
export { renderPassport, renderInn, renderSelfie, type RenderOptions } from './render.ts';
export { demoScenarioFor, embedScenario, readScenario, type ScenarioPayload, type SampleScenario, type SampleDocType, type BrokenReasonCode } from './scenario.ts';
export { generateSamples, defaultScenario, type GenerateOptions, type GeneratedFile, type SampleLayout } from './generate.ts';
