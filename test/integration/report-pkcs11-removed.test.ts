/**
 * A signing card removed after its PIN was accepted and before the signature (issue 11), on a real
 * SoftHSM2 token: the test removes the token's folder (SoftHSM2's file store: the key's handle dies
 * with it, as a pulled card's do) inside `withTokenSigner`, between C_Login and C_Sign. The check the
 * seal makes first (`ready`) and the signature itself both answer the clear Italian message of a
 * removed device (`token_absent`), which the host turns into a 409 on «token» (deviceRefusal), so the
 * seal never commits; nothing is signed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { deviceRefusal } from '../../host/reports.ts';
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
