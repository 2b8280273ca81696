/**
 * SIGKILL mid-sync: the laptop drains its real outbox in a child process through the chaos proxy;
 * the test kills it once the office has acknowledged some uploads but not all, starts it again on
 * the same folder, and the office ends with every revision and photo exactly once. Then the doctor
 * finds the laptop folder intact.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDataFolder } from '../../db/doctor.ts';
import { startChaosProxy } from '../helpers/chaos-proxy.ts';
import { laptopDir, openLaptop, pairLaptop, sealVisits } from '../helpers/laptop.ts';
import { makePng, startOffice } from '../helpers/office-fixtures.ts';

const VISITS = 30;
const PHOTOS = 5;
const child = fileURLToPath(new URL('./sync-kill-child.ts', import.meta.url));
const folder = laptopDir();
after(() => folder.remove());

/** Runs the child; resolves with its exit (code or signal) and the visits it reported received. */
function runChild(
  args: string[],
  killAfter: number | null,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; received: string[]; stderr: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  const received: string[] = [];
  let buffer = '';
  let stderr = '';
  proc.stderr.on('data', (c: Buffer) => (stderr += c));
  proc.stdout.on('data', (c: Buffer) => {
    buffer += c;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const m = /^ricevuta (\S+)$/.exec(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      if (m) received.push(m[1]!);
      if (killAfter !== null && received.length === killAfter) proc.kill('SIGKILL');
    }
  });
  return new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal, received, stderr })));
}

test(
  `SIGKILL after some acknowledgements: restarted on the same folder, ${VISITS} visits × ${PHOTOS} photos arrive exactly once`,
  { timeout: 180_000 },
  async () => {
    const office = await startOffice('sqlite', { limits: { apiPerSecond: 2000, apiBurst: 2000 } });
    const proxy = await startChaosProxy({
      target: office.url,
      seed: 4242,
      dropBefore: 0.04,
      dropAfter: 0.04,
      delay: 0.05,
      truncate: 0.04,
      duplicate: 0.05,
      maxDelayMs: 60,
      maxFaults: 2000,
    });
    try {
      const token = await office.token('Maria Rossi');
      const setup = openLaptop(folder.dir);
      pairLaptop(setup, proxy.url, token, 'Maria Rossi');
      const visits = sealVisits(
        setup,
        Array.from({ length: VISITS }, (_, i) => ({
          serviceName: `Nido Prova ${i % 5}`,
          comune: 'Fiesole',
          date: `2026-02-1${i % 10}`,
          answer: 'yes' as const,
          note: `visita ${i}`,
          photos: Array.from({ length: PHOTOS }, (_, k) => makePng(i * 10 + k, 24 + k)),
        })),
      );
      setup.close();

      const first = await runChild([folder.dir, proxy.url, token], 7);
      assert.equal(first.signal, 'SIGKILL', `killed, not finished: ${first.stderr}`);
      const atKill = Number((await office.server.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM revisions'))!.n);
      assert.ok(atKill >= 7 && atKill < VISITS, `the office held some but not all revisions when the laptop died (${atKill})`);

      const second = await runChild([folder.dir, proxy.url, token], null);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(new Set([...first.received, ...second.received]).size, VISITS, 'every visit acknowledged');

      const rows = await office.server.store.db.all<{ inspection_id: string; content_hash: string }>(
        'SELECT inspection_id, content_hash FROM revisions ORDER BY inspection_id',
      );
      assert.deepEqual(
        rows.map((r) => [r.inspection_id, r.content_hash]),
        visits.map((v) => [v.visitId, v.contentHash]).sort(),
      );
      assert.equal(Number((await office.server.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM attachments'))!.n), VISITS * PHOTOS);
      for (const v of visits)
        assert.deepEqual(
          (await office.server.store.getRevision(v.visitId, 1))!.attachments.map((a) => a.sha256),
          v.photoShas,
        );
      assert.deepEqual(readdirSync(join(office.dataDir, 'uploads')), [], 'no unfinished upload left behind');

      const laptop = openLaptop(folder.dir);
      try {
        assert.deepEqual(
          laptop.store.outbox.list().map((r) => r.status),
          Array(VISITS).fill('ricevuta'),
        );
        const doctor = checkDataFolder(laptop.store);
        assert.deepEqual(doctor.problems, [], 'the doctor finds the laptop folder intact');
        assert.equal(doctor.checked.outbox, VISITS);
      } finally {
        laptop.close();
      }
    } finally {
      await proxy.close();
      await office.close();
    }
  },
);
