// The engine as the transports use it: an engine host plus a reader host for the grid's read queries
// ([Note: grid reads have their own connection]). Requests are routed by channel; nothing else changes.
import { requestVia } from '../dispatch.ts';
import type { Logger } from '../log.ts';
import { startEngineHost, type EngineHost, type HostDelegate } from './client.ts';
import type { HostInit } from './protocol.ts';
import { READ_CHANNELS } from './reader.ts';

export async function startHostedEngine(init: Omit<HostInit, 'role'>, log: Logger, delegate?: HostDelegate): Promise<EngineHost> {
  const engine = await startEngineHost({ ...init, role: 'engine' }, log, delegate);
  // Started after the engine host: the database (and its key) exist and are migrated by then.
  const reader = await startEngineHost({ ...init, role: 'reader' }, log).catch((err: unknown) => {
    log.warn('reader host not started: reads go to the engine host', { err });
    return null;
  });
  let readerUp = reader !== null;
  void reader?.crashed.then(() => (readerUp = false));
  const call: EngineHost['call'] = (channel, args) =>
    readerUp && reader && (READ_CHANNELS as readonly string[]).includes(channel) ? reader.call(channel, args) : engine.call(channel, args);
  return {
    ...engine,
    call,
    request: requestVia(call),
    async stop() {
      await reader?.stop();
      await engine.stop();
    },
  };
}
