import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { canonicalJson, contentHash, sha256Hex } from '../../shared/canonical.ts';

test('sha256Hex matches node:crypto on lengths around the block boundaries', () => {
  for (const n of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 65537]) {
    const bytes = randomBytes(n);
    assert.equal(sha256Hex(bytes), createHash('sha256').update(bytes).digest('hex'), `length ${n}`);
  }
  assert.equal(sha256Hex(new TextEncoder().encode('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('canonicalJson sorts keys at every depth and drops whitespace', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'è' } }), '{"a":{"c":"è","d":[3,{"y":null,"z":true}]},"b":1}');
  assert.equal(canonicalJson({ a: undefined, b: 2 }), '{"b":2}');
});

test('contentHash ignores key order and is SHA-256 of the UTF-8 canonical text', () => {
  const one = contentHash({ service: { name: 'Nido Il Girasole', type: 'nido' }, schemaVersion: 1 });
  const two = contentHash({ schemaVersion: 1, service: { type: 'nido', name: 'Nido Il Girasole' } });
  assert.equal(one, two);
  const text = '{"schemaVersion":1,"service":{"name":"Nido Il Girasole","type":"nido"}}';
  assert.equal(one, createHash('sha256').update(text, 'utf8').digest('hex'));
  assert.notEqual(one, contentHash({ schemaVersion: 1, service: { type: 'nido', name: 'Nido il Girasole' } }));
});

test('canonicalJson refuses what JSON cannot carry, naming where', () => {
  assert.throws(() => canonicalJson({ a: [1, Number.NaN] }), /\$\.a\[1\]/);
  assert.throws(() => canonicalJson({ when: new Date(0) }), /\$\.when/);
});
