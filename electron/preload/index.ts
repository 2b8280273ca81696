/**
 * The preload (sandboxed): exposes `window.vigilanza`, the typed API, and `window.vigilanzaEvents`,
 * the host's pushes, and nothing else.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_CHANNEL, EVENTS_CHANNEL, makeBridge, makeEvents } from './bridge.ts';

contextBridge.exposeInMainWorld(
  'vigilanza',
  makeBridge((method, input) => ipcRenderer.invoke(API_CHANNEL, method, input)),
);

contextBridge.exposeInMainWorld(
  'vigilanzaEvents',
  makeEvents((deliver) => {
    const onEvent = (_event: IpcRendererEvent, data: unknown) => deliver(data);
    ipcRenderer.on(EVENTS_CHANNEL, onEvent);
    return () => ipcRenderer.removeListener(EVENTS_CHANNEL, onEvent);
  }),
);
