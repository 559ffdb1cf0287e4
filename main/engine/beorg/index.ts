export { buildAddDocumentBody, createBeorgClient, parseRetryAfter, AUTH_MESSAGE_RU, NO_RESPONSE_MESSAGE, type BeorgClient, type BeorgOutcome, type ProcessInfo } from './client.ts';
export { parseResultBody, sanitiseJson, type ParsedResult, type ParsedDocument, type ParsedField } from './parse.ts';
