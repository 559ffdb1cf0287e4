// Minimal raw requests against a simulator, for tests and smoke checks (the product's real client lives in the
// queue module; this one deliberately does nothing clever so tests see the protocol as it is).
import { SIM_CREDENTIALS } from './config.ts';

export type RawResponse = { status: number; headers: Headers; body: unknown; text: string };

export type AddDocumentInput = {
  images: (Buffer | string)[];
  processInfo?: unknown[];
  token?: string;
  machineUid?: string;
  projectId?: string;
  extra?: Record<string, unknown>;
};

export function addDocumentBody(input: AddDocumentInput): Record<string, unknown> {
  return {
    project_id: input.projectId ?? SIM_CREDENTIALS.projectId,
    token: input.token ?? SIM_CREDENTIALS.token,
    machine_uid: input.machineUid ?? SIM_CREDENTIALS.machineUid,
    images: input.images.map((i) => (typeof i === 'string' ? i : i.toString('base64'))),
    ...(input.processInfo ? { process_info: input.processInfo } : {}),
    ...input.extra,
  };
}

async function toRaw(res: Response): Promise<RawResponse> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: res.status, headers: res.headers, body, text };
}

export async function postAddDocument(baseUrl: string, body: unknown): Promise<RawResponse> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return toRaw(await fetch(`${baseUrl}/api/bescan/add_document`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: payload }));
}

export async function getResult(baseUrl: string, id: string, token: string = SIM_CREDENTIALS.token, method: 'GET' | 'POST' = 'GET'): Promise<RawResponse> {
  return toRaw(await fetch(`${baseUrl}/api/document/result/${encodeURIComponent(id)}?token=${encodeURIComponent(token)}`, { method }));
}
