/**
 * The preload (sandboxed): exposes `window.vigilanza`, the typed API, and nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { API_CHANNEL, makeBridge } from './bridge.ts';

contextBridge.exposeInMainWorld(
  'vigilanza',
  makeBridge((method, input) => ipcRenderer.invoke(API_CHANNEL, method, input)),
);
