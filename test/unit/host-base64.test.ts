import assert from 'node:assert/strict';
import { it } from 'node:test';
import { strictBase64 } from '../../host/base64.ts';

it('decodes the padded standard base64 a page sends, byte for byte', () => {
  for (const bytes of [Buffer.alloc(0), Buffer.from([0]), Buffer.from([1, 2]), Buffer.from([255, 254, 253]), Buffer.from('fotografia')]) {
    assert.deepEqual(strictBase64(bytes.toString('base64')), bytes);
  }
});

it('refuses what Buffer.from would quietly skip or guess: other alphabets, missing padding, stray characters, spare bits', () => {
  for (const text of ['QQ', 'QUI', 'QUJD\n', 'QU JD', 'QUJ-', 'QUJ_', '====', 'QQ=A', 'QR==', 'QUI=QUI=', '*UJD']) {
    assert.equal(strictBase64(text), null, text);
  }
});
