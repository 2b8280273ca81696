/**
 * Crash test: a child process autosaves answers in a burst and reports each acknowledged write;
 * we SIGKILL it mid-burst, reopen the database, and every acknowledged write must be there,
 * with `PRAGMA integrity_check` = ok.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openApp } from '../../host/app.ts';
import { getChecklist } from '../../shared/checklist/index.ts';
import { SERVICE, tempDir } from '../unit/db-fixtures.ts';

const child = fileURLToPath(new URL('./crash-autosave-child.ts', import.meta.url));

test('every acknowledged autosave survives SIGKILL; the database is intact', async (t) => {
  const data = tempDir(t);
  const setup = openApp({ dataDir: data, shell: 'browser' });
  const service = setup.dispatch('services.create', SERVICE);
  assert.ok(service.ok);
  const inspection = setup.dispatch('inspections.create', {
    serviceId: (service.value as { id: string }).id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
  });
  assert.ok(inspection.ok);
  const inspectionId = (inspection.value as { id: string }).id;
  setup.close();
  const items = getChecklist('zona-fse@1')!
    .items.filter((i) => i.kind === 'yesno')
    .slice(0, 25)
    .map((i) => i.id);

  for (let round = 0; round < 3; round++) {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, data, inspectionId, items.join(',')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
    });
    const acks: Array<{ n: number; itemId: string; value: string; seq: number }> = [];
    let buffer = '';
    let stderr = '';
    proc.stderr.on('data', (c: Buffer) => (stderr += c));
    const target = 150 + round * 97; // kill at different points of the burst
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`nessun salvataggio entro 30 s: ${stderr}`)), 30_000);
      proc.stdout.on('data', (c: Buffer) => {
        buffer += c;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          const m = /^ack (\d+) (\S+) (\w+) (\d+)$/.exec(line);
          if (m) acks.push({ n: Number(m[1]), itemId: m[2]!, value: m[3]!, seq: Number(m[4]) });
          if (acks.length === target) {
            clearTimeout(timer);
            proc.kill('SIGKILL');
            resolve();
          }
        }
      });
      proc.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`il processo è uscito da solo (${code}): ${stderr}`));
      });
    });
    await new Promise((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve(null) : proc.on('exit', resolve)));
    assert.ok(acks.length >= target);

    const app = openApp({ dataDir: data, shell: 'browser' });
    try {
      assert.equal(app.store.db.pragma('integrity_check', { simple: true }), 'ok');
      const audit = app.store.audit.list(inspectionId);
      const seqs = new Set(audit.map((e) => e.seq));
      for (const ack of acks) assert.ok(seqs.has(ack.seq), `acknowledged save ${ack.n} (seq ${ack.seq}) lost`);
      // The latest acknowledged value of each item is stored, or a later (unacknowledged) one.
      const detail = app.dispatch('inspections.get', { id: inspectionId });
      assert.ok(detail.ok);
      const answers = (detail.value as { answers: Record<string, { value?: string; note?: string }> }).answers;
      const lastAck = new Map<string, (typeof acks)[number]>();
      for (const a of acks) lastAck.set(a.itemId, a);
      for (const [itemId, a] of lastAck) {
        const note = answers[itemId]?.note ?? '';
        const stored = Number(/salvataggio (\d+)/.exec(note)?.[1] ?? -1);
        assert.ok(stored >= a.n, `${itemId}: stored save ${stored}, acknowledged ${a.n}`);
      }
    } finally {
      app.close();
    }
  }
});

test('a form draft acknowledged just before SIGKILL is there after restart', async (t) => {
  const data = tempDir(t);
  const setup = openApp({ dataDir: data, shell: 'browser' });
  const service = setup.dispatch('services.create', SERVICE);
  assert.ok(service.ok);
  const inspection = setup.dispatch('inspections.create', {
    serviceId: (service.value as { id: string }).id,
    purpose: 'verifica_periodica',
    date: '2026-03-10',
  });
  assert.ok(inspection.ok);
  const inspectionId = (inspection.value as { id: string }).id;
  setup.close();
  const proc = spawn(process.execPath, ['--import', 'tsx', child, data, inspectionId, 'drafts'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  let stderr = '';
  proc.stderr.on('data', (c: Buffer) => (stderr += c));
  // Killed at the first acknowledgement it reads: "right after typing".
  const acked = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nessun salvataggio entro 30 s: ${stderr}`)), 30_000);
    let buffer = '';
    proc.stdout.on('data', (c: Buffer) => {
      buffer += c;
      const all = [...buffer.matchAll(/^ack (\d+)$/gm)];
      if (!all.length) return;
      proc.kill('SIGKILL');
      clearTimeout(timer);
      resolve(Number(all.at(-1)![1]));
    });
  });
  await new Promise((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve(null) : proc.on('exit', resolve)));
  const app = openApp({ dataDir: data, shell: 'browser' });
  try {
    const detail = app.dispatch('inspections.get', { id: inspectionId });
    assert.ok(detail.ok);
    const draft = (detail.value as { drafts: Record<string, { text: string }> }).drafts['prescrizione:r1:nuova'];
    const stored = Number(/bozza (\d+)/.exec(draft?.text ?? '')?.[1] ?? -1);
    assert.ok(stored >= acked, `bozza salvata ${stored}, confermata ${acked}`);
  } finally {
    app.close();
  }
});
