// What a transport (the browser bridge, the Electron main process) needs from an engine: requests, push events,
// image lookups and a logger. An engine in this thread (tests) and a hosted one (EngineHost) both provide it.
import type { Envelope } from '../../../shared/api.ts';
import type { Engine } from '../app.ts';
import type { Listener } from '../events.ts';
import { resolveImage, type ImageResult } from '../images.ts';
import type { Logger } from '../log.ts';

export type EngineLink = {
  call(channel: string, args: unknown): Promise<Envelope<unknown>>;
  subscribe(listener: Listener): () => void;
  resolveImage(documentId: number, page: number): Promise<ImageResult>;
  log: Logger;
};

export function localLink(engine: Engine): EngineLink {
  return {
    call: (channel, args) => engine.call(channel, args),
    subscribe: (listener) => engine.ctx.events.subscribe(listener),
    resolveImage: (documentId, page) => resolveImage(engine.ctx, documentId, page),
    log: engine.ctx.log,
  };
}
