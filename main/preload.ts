// Sandboxed preload: exposes exactly the ScanDeskBridge (shared/bridge.ts) as window.scandesk. No Node APIs,
// no ipcRenderer itself, nothing else reaches the page. Bundled to dist/preload.cjs (scripts/build.js).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { Envelope } from '../shared/api.ts';
import { BRIDGE_GLOBAL, type BridgeListener, type ScanDeskBridge } from '../shared/bridge.ts';
import { EVENT_CHANNEL, INVOKE_CHANNEL, PICK_FOLDER_CHANNEL } from './shell/ipc-router.ts';

const bridge: Required<ScanDeskBridge> = {
  transport: 'electron',
  invoke: (channel, args) => ipcRenderer.invoke(INVOKE_CHANNEL, { channel, args }) as Promise<Envelope<unknown>>,
  subscribe(listener: BridgeListener) {
    const onEvent = (_e: IpcRendererEvent, msg: { name: Parameters<BridgeListener>[0]; payload: never }) => listener(msg.name, msg.payload);
    ipcRenderer.on(EVENT_CHANNEL, onEvent);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, onEvent);
  },
  imageUrl: (documentId, page = 1) => `scan://doc/${Math.trunc(documentId)}?page=${Math.trunc(page)}`,
  /** Native folder picker; the path is then passed to 'folders:add' by the renderer. */
  pickFolder: () => ipcRenderer.invoke(PICK_FOLDER_CHANNEL) as Promise<string | null>,
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
