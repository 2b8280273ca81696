/**
 * A full disk and a failing disk while the inspector works (issue 10): faults injected into the real
 * shell process with libfiu (`fiu-run -x` preloads its POSIX wrappers, `fiu-ctrl` turns a failure
 * point on and off while it runs). `posix/io/rw/pwrite` with ENOSPC is what SQLite meets when the disk
 * is full; `posix/io/sync/*` with EIO is a disk that fails its fsync. Each save is refused with an
 * Italian message that stays on screen, the text stays in the field, and the save goes through by
 * itself once the fault is off; a photo and a seal are refused the same way and then succeed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page, Response } from 'playwright-core';
import { makePng } from '../helpers/office-fixtures.ts';
import {
  ensureRendererBuilt,
  launchChromium,
  openPage,
  pageApi,
  screenshot,
  startShell,
  type Shell,
  type Watched,
} from '../helpers/ui-shell.ts';

const ENOSPC = 28;
const EIO = 5;
const PWRITE = 'posix/io/rw/pwrite';
const SYNC = 'posix/io/sync/*';
const ITEM = 'A.destinazione_uso.certificato';

const onPath = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const missing = !onPath('fiu-run') || !onPath('fiu-ctrl') || !existsSync('/usr/lib/fiu/fiu_posix_preload.so');
const skip = missing
  ? 'fiu-run/fiu-ctrl (pacchetto Debian fiu-utils) non installati: senza di essi non si possono simulare disco pieno ed errori di scrittura'
  : false;

let browser: Browser;
let shell: Shell;
let w: Watched;
let page: Page;
let inspectionId: string;

/** Turns a failure point of the running shell on (every call fails with `errno`) or off. */
function fault(name: string, errno: number | null): void {
  const command = errno === null ? `disable name=${name}` : `enable name=${name},failnum=1,failinfo=${errno}`;
  execFileSync('fiu-ctrl', ['-c', command, String(shell.pid)]);
}

const status = () => page.locator('.save-status [role="status"]');
const voce = () => page.locator(`[data-item="${ITEM}"]`);
const savedStatus = (timeout = 20_000) =>
  status()
    .filter({ hasText: /^Salvato alle/ })
    .waitFor({ timeout });

/** Nothing pending: saved, or (just after a reload) nothing typed yet. */
const settled = () =>
  status()
    .filter({ hasText: /^(Salvato alle|Salvataggio automatico attivo)/ })
    .waitFor({ timeout: 20_000 });

/** Resolves once `count` answers of `method` with HTTP `code` have come back to the page. */
function responses(method: string, code: number, count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const on = (r: Response) => {
      if (r.url().endsWith(`/api/${method}`) && r.status() === code && ++seen === count) {
        page.off('response', on);
        resolve();
      }
    };
    page.on('response', on);
  });
}

async function openVisit() {
  await page.locator('#ispezione-title').waitFor();
  await page.locator('.navigatore [data-tab="A"]').click();
  await page.locator('#tab-heading-A').waitFor();
}

/** Types a note while `point` fails with `errno`; checks the message, the field, then the save once the fault is off. */
async function noteUnderFault(point: string, errno: number, text: string, expected: RegExp, shot: string) {
  await settled();
  const refusedTwice = responses('inspections.saveAnswer', 507, 2);
  fault(point, errno);
  try {
    await voce().getByLabel('Nota').fill(text);
    await status().filter({ hasText: expected }).waitFor({ timeout: 10_000 });
    assert.match(await status().innerText(), /Quanto scritto resta nei campi e viene salvato da solo/);
    await screenshot(page, shot);
    // The automatic retry is refused too: the message is still there and the text still in the field.
    await refusedTwice;
    assert.match(await status().innerText(), expected);
    assert.equal(await voce().getByLabel('Nota').inputValue(), text);
  } finally {
    fault(point, null);
  }
  await savedStatus();
  const stored = await pageApi<{ answers: Record<string, { note?: string }> }>(page, 'inspections.get', { id: inspectionId });
  assert.equal(stored.answers[ITEM]?.note, text, 'the retried save reached the database');
  await page.reload();
  await openVisit();
  assert.equal(await voce().getByLabel('Nota').inputValue(), text, 'after a reload the note is the one typed under the fault');
}

const blobTemps = () => {
  const dir = join(shell.dataDir, 'blobs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /(^|\/)\.tmp-/.test(f));
};

describe('UI, disco pieno ed errori di scrittura (fiu-run)', { skip, timeout: 240_000 }, () => {
  before(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
    shell = await startShell({ demo: true, wrap: ['fiu-run', '-x'] });
    w = await openPage(browser, shell.url);
    page = w.page;
    await page.getByRole('heading', { name: 'Servizi educativi', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Nido d’infanzia Il Girasole' }).click();
    await page.getByRole('link', { name: 'Nuova ispezione' }).click();
    await page.getByLabel('Verifica periodica del mantenimento dei requisiti').check();
    await page.getByRole('checkbox', { name: /Chiara Fantoni/ }).check();
    await page.getByRole('button', { name: 'Inizia la visita' }).click();
    await page.locator('#tab-heading-A').waitFor();
    inspectionId = decodeURIComponent(/#\/ispezioni\/([^/?]+)/.exec(page.url())![1]!);
    await voce().getByRole('radio', { name: 'No', exact: true }).check();
  });
  after(async () => {
    if (shell && process.exitCode) console.error(`--- vigilanza serve stderr ---\n${shell.stderr()}`);
    await browser?.close();
    await shell?.stop();
  });

  it('disco pieno (ENOSPC su pwrite) durante il salvataggio automatico: messaggio, testo nel campo, salvato al ritorno dello spazio', async () => {
    await noteUnderFault(
      PWRITE,
      ENOSPC,
      'certificato non esibito (scritto a disco pieno)',
      /^Disco pieno: /,
      'disk-full-01-autosave-enospc',
    );
  });

  it('errore di scrittura (EIO su fsync) durante il salvataggio automatico: messaggio, testo nel campo, salvato dopo', async () => {
    await noteUnderFault(
      SYNC,
      EIO,
      'certificato esibito solo in copia (scritto con il disco in errore)',
      /^Errore di scrittura sul disco: /,
      'disk-full-02-autosave-eio',
    );
  });

  it('una foto aggiunta a disco pieno è rifiutata con il messaggio e si aggiunge dopo; nessun file a metà', async () => {
    const photo = { name: 'ingresso.png', mimeType: 'image/png', buffer: makePng(11, 32) };
    const photoSha = createHash('sha256').update(photo.buffer).digest('hex');
    const alert = voce().getByRole('alert');
    // EIO on fsync: the photo's own file fails first (written, then its fsync refused), and its temp file goes.
    fault(SYNC, EIO);
    try {
      await voce().locator('input[type="file"]').setInputFiles(photo);
      await alert.filter({ hasText: /Errore di scrittura sul disco: / }).waitFor({ timeout: 15_000 });
    } finally {
      fault(SYNC, null);
    }
    assert.deepEqual(blobTemps(), [], 'the file whose fsync failed is not left behind');
    // ENOSPC on pwrite: the file is written whole (write(2)), the database refuses the row, and the file goes again.
    fault(PWRITE, ENOSPC);
    try {
      await voce().locator('input[type="file"]').setInputFiles(photo);
      await alert.filter({ hasText: /Disco pieno: / }).waitFor({ timeout: 15_000 });
      await screenshot(page, 'disk-full-03-foto-enospc');
      assert.equal(
        await voce()
          .getByRole('img', { name: /Foto 1 della voce/ })
          .count(),
        0,
        'no photo is shown as added',
      );
    } finally {
      fault(PWRITE, null);
    }
    assert.deepEqual(blobTemps(), [], 'no temp file of a blob is left behind');
    const photoFile = join(shell.dataDir, 'blobs', photoSha.slice(0, 2), photoSha);
    assert.equal(existsSync(photoFile), false, 'the file written before the database refused the row is removed: no orphan blob');
    const before = await pageApi<{ photos: unknown[] }>(page, 'inspections.get', { id: inspectionId });
    assert.equal(before.photos.length, 0, 'the refused photo is not in the visit');
    await voce().locator('input[type="file"]').setInputFiles(photo);
    await voce()
      .getByRole('img', { name: /Foto 1 della voce/ })
      .waitFor({ timeout: 15_000 });
    const afterAdd = await pageApi<{ photos: unknown[] }>(page, 'inspections.get', { id: inspectionId });
    assert.equal(afterAdd.photos.length, 1);
    assert.ok(existsSync(photoFile), 'the photo added with room has its file');
  });

  it('la sigillatura a disco pieno è rifiutata con il messaggio, la visita resta aperta, poi si sigilla', async () => {
    await settled();
    await page.locator('.navigatore [data-tab="chiusura"]').click();
    // No commission signed this visit: the seal needs the inspector's reason (issue 10's safeguard).
    await page.getByLabel('Motivo per sigillare senza la commissione completa').fill('Prova a disco pieno: commissione non in esame.');
    await page.getByRole('button', { name: 'Chiudi e sigilla la visita' }).click();
    const dialog = page.getByRole('dialog', { name: 'Sigillare la visita?' });
    fault(PWRITE, ENOSPC);
    try {
      await dialog.getByRole('button', { name: 'Sigilla', exact: true }).click();
      await page
        .getByText(/Disco pieno: /)
        .first()
        .waitFor({ timeout: 30_000 });
      await screenshot(page, 'disk-full-04-sigillo-enospc');
    } finally {
      fault(PWRITE, null);
    }
    const open = await pageApi<{ status: string }>(page, 'inspections.get', { id: inspectionId });
    assert.equal(open.status, 'draft', 'the refused seal left the visit open');
    await page.getByRole('button', { name: 'Chiudi e sigilla la visita' }).click();
    await dialog.getByRole('button', { name: 'Sigilla', exact: true }).click();
    await page.getByRole('region', { name: 'Visita sigillata' }).waitFor({ timeout: 60_000 });
    const sealed = await pageApi<{ status: string; answers: Record<string, { note?: string }> }>(page, 'inspections.get', {
      id: inspectionId,
    });
    assert.notEqual(sealed.status, 'draft');
    assert.equal(
      sealed.answers[ITEM]?.note,
      'certificato esibito solo in copia (scritto con il disco in errore)',
      'the sealed visit has every acknowledged save',
    );
    await screenshot(page, 'disk-full-05-sigillata');
    assert.deepEqual(blobTemps(), []);
    assert.deepEqual(
      w.problems.filter((p) => !/status of 507/.test(p)),
      [],
      'no page errors besides the refused requests',
    );
  });
});
