import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseItalianDate } from '../../shared/dates.ts';

test('parseItalianDate: gg/mm/aaaa to ISO, whatever order a browser would use', () => {
  assert.deepEqual(parseItalianDate('02/12/2026'), { ok: true, date: '2026-12-02' });
  assert.deepEqual(parseItalianDate(' 2/3/2026 '), { ok: true, date: '2026-03-02' });
  assert.deepEqual(parseItalianDate('29-02-2028'), { ok: true, date: '2028-02-29' });
  assert.deepEqual(parseItalianDate('31.12.2025'), { ok: true, date: '2025-12-31' });
  assert.deepEqual(parseItalianDate(''), { ok: true, date: null });
});

test('parseItalianDate: impossible or half-typed dates get an Italian message naming the problem', () => {
  assert.deepEqual(parseItalianDate('31/02/2026'), { ok: false, message: 'la data 31/02/2026 non esiste: febbraio 2026 ha 28 giorni' });
  assert.deepEqual(parseItalianDate('29/02/2027'), { ok: false, message: 'la data 29/02/2027 non esiste: febbraio 2027 ha 28 giorni' });
  assert.deepEqual(parseItalianDate('31/04/2026'), { ok: false, message: 'la data 31/04/2026 non esiste: aprile 2026 ha 30 giorni' });
  assert.deepEqual(parseItalianDate('00/01/2026'), { ok: false, message: 'la data 00/01/2026 non esiste: gennaio 2026 ha 31 giorni' });
  assert.deepEqual(parseItalianDate('12/13/2026'), { ok: false, message: 'il mese 13 non esiste: va da 01 a 12' });
  for (const text of ['02/12/26', '2026-12-02', '02/12/2', 'domani']) {
    const r = parseItalianDate(text);
    assert.equal(r.ok, false, text);
    assert.match((r as { message: string }).message, /gg\/mm\/aaaa/);
  }
});
