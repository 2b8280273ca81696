import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAppUrl, START_URL, windowOptions } from '../../electron/main/window-options.ts';

test('the window is hardened: context isolation, sandbox, no Node, web security on', () => {
  const o = windowOptions('/app/dist/electron/preload.cjs');
  const w = o.webPreferences!;
  assert.equal(w.preload, '/app/dist/electron/preload.cjs');
  assert.equal(w.contextIsolation, true);
  assert.equal(w.sandbox, true);
  assert.equal(w.nodeIntegration, false);
  assert.equal(w.nodeIntegrationInWorker, false);
  assert.equal(w.nodeIntegrationInSubFrames, false);
  assert.equal(w.webSecurity, true);
  assert.equal(w.allowRunningInsecureContent, false);
  assert.equal(w.webviewTag, false);
  assert.equal(w.experimentalFeatures, false);
  assert.equal(w.navigateOnDragDrop, false);
  assert.equal(o.show, false, 'shown on ready-to-show, no white flash');
});

test('only our app:// pages count as the app', () => {
  assert.ok(isAppUrl(START_URL));
  assert.ok(isAppUrl('app://vigilanza/index.html#/servizi'));
  for (const url of [
    'file:///app/dist/renderer/index.html',
    'http://127.0.0.1:3000/',
    'app://evil/index.html',
    'app://user:pw@vigilanza/',
    'https://vigilanza/',
    'about:blank',
    '',
    'not a url',
  ])
    assert.equal(isAppUrl(url), false, url);
});
