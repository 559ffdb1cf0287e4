// IPC adapter: contract calls, the folder picker and pushed events. No logic: the trust check and routing are
// the pure createIpcRouter (unit-tested without Electron); validation and envelopes live in the engine.
import { dialog, ipcMain, Notification, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { printable } from '../../shared/printable.ts';
import type { EngineLink } from '../engine/host/link.ts';
import { createIpcRouter, EVENT_CHANNEL, INVOKE_CHANNEL, isTrustedSenderUrl, PICK_FOLDER_CHANNEL, type SenderInfo } from './ipc-router.ts';

const senderOf = (event: IpcMainInvokeEvent): SenderInfo => ({ url: event.senderFrame?.url, isTopFrame: event.senderFrame?.parent === null });

/** `engine`: any EngineLink — the in-process engine today (localLink), a hosted one speaks the same interface. */
export function registerIpc(engine: EngineLink, getWindow: () => BrowserWindow | null): () => void {
  const route = createIpcRouter(engine, isTrustedSenderUrl);
  ipcMain.handle(INVOKE_CHANNEL, (event, message: unknown) => route(senderOf(event), message));
  ipcMain.handle(PICK_FOLDER_CHANNEL, async (event) => {
    const win = getWindow();
    if (!win || !isTrustedSenderUrl(senderOf(event))) return null;
    const res = await dialog.showOpenDialog(win, { title: 'Папка со сканами / Scans folder', properties: ['openDirectory', 'createDirectory'] });
    return res.canceled ? null : (res.filePaths[0] ?? null);
  });
  const unsubscribe = engine.subscribe((name, payload) => {
    const win = getWindow();
    win?.webContents.send(EVENT_CHANNEL, { name, payload });
    // Desktop notification (e.g. a batch finished) only when the clerk is looking elsewhere.
    if (name === 'notify' && Notification.isSupported() && !win?.isFocused()) {
      new Notification({ title: 'ScanDesk', body: printable((payload as { messageRu: string }).messageRu) }).show();
    }
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(INVOKE_CHANNEL);
    ipcMain.removeHandler(PICK_FOLDER_CHANNEL);
  };
}
