/**
 * A signing card removed after its PIN was accepted and before the signature (issue 11), on a real
 * SoftHSM2 token: the test removes the token's folder (SoftHSM2's file store: the key's handle dies
 * with it, as a pulled card's do) between C_Login and C_Sign.
 *
 * - In `withTokenSigner`: the check the seal makes first (`ready`) and the signature itself both
 *   answer the clear Italian message of a removed device (`token_absent`), which the host turns into
 *   a 409 on «token» (deviceRefusal).
 * - In the app (host API through `call`): the card is pulled while the report is being drawn — after
 *   the PIN, before the signature, through the app's own `renderReport` plug (the host worker's report
 *   thread goes there) — and the seal is refused with that message: the visit stays a draft, its
 *   answers as they were, no report, nothing in its audit log; it can then be sealed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openApp } from '../../host/app.ts';
import { fixedClock } from '../../host/clock.ts';
import { deviceRefusal } from '../../host/reports.ts';
import { buildReport } from '../../report/index.ts';
import { SERVICE } from '../unit/db-fixtures.ts';
import { StoreError } from '../../db/errors.ts';
import { Pkcs11Error, withTokenSigner } from '../../report/pkcs11.ts';
import { makeTestPki, type TestPki } from '../helpers/pki.ts';
import { makeSoftHsmToken, type TestToken } from '../helpers/softhsm.ts';

let pki: TestPki;

before(() => {
  pki = makeTestPki();
});

after(() => pki?.cleanup());

const REMOVED =
  /^dispositivo di firma non presente o rimosso durante l'operazione \((controllo del dispositivo prima del sigillo|firma)\): inserire la smart card o il token e riprovare$/;

for (const which of ['rsaKey', 'ecKey'] as const)
  test(`${which === 'rsaKey' ? 'RSA' : 'EC'} key: the card removed between PIN and signature is «dispositivo … rimosso», before anything is signed`, async () => {
    const token: TestToken = makeSoftHsmToken(pki, { name: `softhsm-removed-${which}` });
    process.env.SOFTHSM2_CONF = token.conf;
    try {
      const seen: unknown[] = [];
      await assert.rejects(
        withTokenSigner({ modulePath: token.module, token: token.label, key: token[which], pin: token.pin }, async (signer) => {
          // Logged in, key found: the card is there and the PIN was accepted.
          await signer.ready!();
          rmSync(join(token.dir, 'tokens'), { recursive: true, force: true });
          for (const step of [() => signer.ready!(), () => signer.sign(new Uint8Array([0x31, 0x00]))])
            try {
              await step();
              seen.push('no error');
            } catch (e) {
              seen.push(e);
            }
          throw seen[0];
        }),
        (e: Error) => e instanceof Pkcs11Error && e.code === 'token_absent',
      );
      assert.equal(seen.length, 2);
      for (const e of seen) {
        assert.ok(e instanceof Pkcs11Error, String(e));
        assert.equal(e.code, 'token_absent');
        assert.match(e.message, REMOVED);
        // What the seal answers: a conflict on «token», the visit left a draft.
        const refusal = deviceRefusal(e);
        assert.ok(refusal instanceof StoreError);
        assert.equal(refusal.code, 'conflict');
        assert.equal(refusal.field, 'token');
      }
    } finally {
      token.cleanup();
    }
  });

test('in the app: the card pulled after the PIN, before the signature: refused, the visit stays a draft, nothing lost', async () => {
  const token: TestToken = makeSoftHsmToken(pki, { name: 'softhsm-removed-app' });
  process.env.SOFTHSM2_CONF = token.conf;
  const dir = mkdtempSync(join(tmpdir(), 'vigilanza-removed-app-'));
  let pulled = 0;
  const app = openApp({
    dataDir: dir,
    shell: 'browser',
    clock: fixedClock('2026-03-10T10:00:00Z'),
    log: () => {},
    renderReport: async (input) => {
      // Drawn only once the PIN was accepted: the card goes now, before anything is signed.
      if (input.digitallySigned) {
        rmSync(join(token.dir, 'tokens'), { recursive: true, force: true });
        pulled++;
      }
      return buildReport(input);
    },
  });
  try {
    const ok = async (method: string, input: unknown): Promise<any> => {
      const r = await app.call(method, input);
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
      return r.value;
    };
    const service = await ok('services.create', SERVICE);
    const draft = await ok('inspections.create', { serviceId: service.id, purpose: 'verifica_periodica', date: '2026-03-10' });
    await ok('inspections.saveAnswer', { inspectionId: draft.id, itemId: 'F.presidi.termosifoni', value: 'no', note: 'da rivedere' });
    const certs = await ok('signing.deviceCertificates', { modulePath: token.module, token: token.label });
    await ok('signing.setDevice', {
      modulePath: token.module,
      token: token.label,
      certificate: certs.find((c: { label: string }) => c.label === token.rsaKey).fingerprint,
    });
    const before = await ok('inspections.get', { id: draft.id });
    const auditBefore = (await ok('inspections.audit', { id: draft.id })).length;
    const seal = { commissionReason: 'prova automatica: commissione non in esame', id: draft.id, signatures: [] };
    const r = await app.call('inspections.seal', { ...seal, pin: token.pin });
    assert.equal(pulled, 1, 'the card was pulled while the report was drawn');
    assert.equal(r.ok, false, 'refused');
    if (r.ok) return;
    assert.equal(r.error.code, 'conflict');
    assert.equal(r.error.field, 'token');
    assert.match(r.error.message, REMOVED);
    const after = await ok('inspections.get', { id: draft.id });
    assert.equal(after.status, 'draft');
    assert.equal(after.contentHash, null);
    assert.equal(after.hasReport, false);
    assert.deepEqual(after.answers, before.answers, 'the answers as they were');
    assert.equal((await ok('inspections.audit', { id: draft.id })).length, auditBefore, 'nothing happened to it');
    assert.equal(app.store.outbox.notYetSent().length, 0, 'nothing queued for the office');
    // Nothing lost: the same draft seals (here without the card).
    const sealed = await ok('inspections.seal', seal);
    assert.equal(sealed.inspection.status, 'sealed');
  } finally {
    app.close();
    rmSync(dir, { recursive: true, force: true });
    token.cleanup();
  }
});
