/** `vigilanza territories`, `checklist --territory` and `check` on Lucca's example, as a user runs them. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vigilanza, ROOT } from '../helpers/cli.ts';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigilanza-territories-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const EXAMPLE = 'resources/examples/lucca-nido.json';

describe('vigilanza territories', () => {
  it('lists the Zona and Lucca with their versions (--json)', () => {
    const r = vigilanza(['territories', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { territories: Array<Record<string, unknown>> };
    assert.deepEqual(
      out.territories.map((t) => [t.id, t.name, t.checklist, t.ruleSet]),
      [
        ['zona-fse', 'Zona Fiorentina Sud-Est', 'zona-fse@1', 'zona-fse@1'],
        ['lucca', 'Città di Lucca', 'lucca@1', 'lucca@1'],
      ],
    );
    assert.deepEqual(out.territories[1]!.schedule, { label: 'periodica, senza numero minimo', article: 'Reg. Lucca art. 32 c.1' });
  });
  it('prints one line per territory without --json, and refuses an argument', () => {
    const r = vigilanza(['territories']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]),
      ['zona-fse', 'lucca'],
    );
    assert.match(r.stdout, /diffida/);
    const bad = vigilanza(['territories', 'lucca']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /argomento inatteso: lucca/);
  });
});

describe('vigilanza checklist --territory', () => {
  it("prints Lucca's items for a nido, and names an unknown territory", () => {
    const r = vigilanza(['checklist', '--territory', 'lucca', '--type', 'nido', '--purpose', 'autorizzazione']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.checklist, 'lucca@1');
    assert.equal(out.count, 53 - 9);
    const zona = JSON.parse(vigilanza(['checklist']).stdout);
    assert.equal(zona.checklist, 'zona-fse@1');
    const bad = vigilanza(['checklist', '--territory', 'pisa']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--territory: territorio sconosciuto "pisa" \(disponibili: zona-fse, lucca\)/);
  });
});

describe('vigilanza check on a Lucca file', () => {
  it('evaluates the example with the territory it names: Lucca findings with their articles, exit 1', () => {
    const r = vigilanza(['check', EXAMPLE]);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { ruleSet: string; findings: Array<{ rule: string; outcome: string; article: string }> };
    assert.equal(out.ruleSet, 'lucca@1');
    const got = Object.fromEntries(out.findings.map((f) => [f.rule, [f.outcome, f.article]]));
    assert.deepEqual(got['opening.weekdays'], ['pass', 'Reg. Lucca art. 27 c.3']);
    assert.deepEqual(got['opening.saturday'], ['pass', 'Reg. Lucca art. 27 c.3']);
    assert.deepEqual(got['calendar.months'], ['warn', 'Reg. Lucca art. 27 c.1']);
    assert.deepEqual(got['sections.afternoon_single'], ['fail', 'Reg. Lucca art. 28 c.3']);
    assert.deepEqual(got['admission.age'], ['pass', 'Reg. Lucca art. 13 c.2']);
    assert.deepEqual(got['assemblea.convocations'], ['pass', 'Reg. Lucca art. 12 c.5']);
    assert.deepEqual(got['consiglio.composition'], ['pass', 'Reg. Lucca art. 12 c.8']);
    assert.deepEqual(got['consiglio.president'], ['pass', 'Reg. Lucca art. 12 c.9']);
    assert.deepEqual(got['consiglio.term'], ['pass', 'Reg. Lucca art. 12 c.10']);
    assert.deepEqual(got['programme.draft'], ['pass', 'Reg. Lucca art. 24 c.2 lett. a']);
    // Not recorded in the example (and not yet due on 15 October): na.
    assert.deepEqual(got['programme.educational_project'], ['na', 'Reg. Lucca art. 24 c.2 lett. b']);
    assert.deepEqual(got['D.coordinamento.qualita'], ['fail', 'Reg. Lucca art. 23 c.1 lett. f']);
    assert.deepEqual(got['ratio.educators.present'], ['pass', 'DPGR 41/R/2013 artt. 27-34-41 (Reg. Lucca art. 10 c.1)']);
    assert.equal(got['authorization.valid']![0], 'na');
  });
  it('refuses a mixture or a bad month with exit 2, naming the field', () => {
    const example = JSON.parse(readFileSync(join(ROOT, EXAMPLE), 'utf8'));
    const mixed = join(dir, 'mixed.json');
    writeFileSync(mixed, JSON.stringify({ ...example, ruleSet: 'zona-fse@1' }));
    const r = vigilanza(['check', mixed]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /ruleSet: zona-fse@1 non è un set di regole del territorio lucca/);
    const month = join(dir, 'month.json');
    writeFileSync(month, JSON.stringify({ ...example, answers: { ...example.answers, 'B.calendario.mese_fine': { value: 13 } } }));
    const m = vigilanza(['check', month]);
    assert.equal(m.status, 2);
    assert.match(m.stderr, /answers\.B\.calendario\.mese_fine\.value: mese non valido \(13\)/);
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ ...example, territory: 'pisa' }));
    assert.match(vigilanza(['check', unknown]).stderr, /territory: territorio sconosciuto "pisa"/);
  });
});

describe('a file that names its territory (issue 12: territory, ruleSet and checklist)', () => {
  const ZONA = 'resources/examples/nido-il-girasole.json';
  const read = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Record<string, unknown>;
  const write = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  const without = (file: Record<string, unknown>) => {
    const { territory: _t, checklist: _c, ...rest } = file;
    return rest;
  };

  it('both examples name all three, and check gives the same result with and without territory and checklist', () => {
    for (const [example, territory, key] of [
      [ZONA, 'zona-fse', 'zona-fse@1'],
      [EXAMPLE, 'lucca', 'lucca@1'],
    ] as const) {
      const file = read(example);
      assert.deepEqual([file.territory, file.ruleSet, file.checklist], [territory, key, key], example);
      const named = vigilanza(['check', example]);
      const old = vigilanza(['check', write(`${territory}-old.json`, without(file))]);
      assert.equal(named.status, 1, named.stderr);
      assert.equal(old.status, named.status, old.stderr);
      assert.equal(old.stdout, named.stdout, `${example}: the same evaluation without the fields`);
    }
  });

  it('refuses a territory that contradicts its ruleSet or its checklist: exit 2, Italian message, nothing printed or written', () => {
    const zona = read(ZONA);
    const lucca = read(EXAMPLE);
    const attacks: Array<[string, Record<string, unknown>, RegExp]> = [
      // A Lucca visit claiming to be the Zona's: the Zona's rules would judge Lucca's answers.
      ['zona-rules-lucca', { ...lucca, territory: 'zona-fse' }, /ruleSet: lucca@1 non è un set di regole del territorio zona-fse/],
      ['lucca-rules-zona', { ...zona, territory: 'lucca' }, /ruleSet: zona-fse@1 non è un set di regole del territorio lucca/],
      [
        'zona-checklist-lucca',
        { ...zona, checklist: 'lucca@1' },
        /checklist: lucca@1 non è una scheda del territorio zona-fse \(zona-fse@1\)/,
      ],
      [
        'lucca-checklist-zona',
        { ...lucca, checklist: 'zona-fse@1' },
        /checklist: zona-fse@1 non è una scheda del territorio lucca \(lucca@1\)/,
      ],
      // Without territory the rule set decides it: a checklist of another territory is still refused.
      ['old-checklist-lucca', { ...without(zona), checklist: 'lucca@1' }, /checklist: lucca@1 non è una scheda del territorio zona-fse/],
    ];
    for (const [name, content, message] of attacks) {
      const path = write(`${name}.json`, content);
      const checked = vigilanza(['check', path]);
      assert.equal(checked.status, 2, `${name}: ${checked.stderr}`);
      assert.equal(checked.stdout, '', name);
      assert.match(checked.stderr, message, name);
      const out = join(dir, `${name}.pdf`);
      const reported = vigilanza(['report', path, '--out', out]);
      assert.equal(reported.status, 2, `${name}: ${reported.stderr}`);
      assert.match(reported.stderr, message, name);
      assert.ok(!existsSync(out), `${name}: no report for a contradictory file`);
    }
  });

  it('report accepts the Zona example with and without the fields', () => {
    for (const [name, content] of [
      ['zona-named', read(ZONA)],
      ['zona-old', without(read(ZONA))],
    ] as const) {
      const out = join(dir, `${name}.pdf`);
      const r = vigilanza(['report', write(`${name}.json`, content), '--out', out]);
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      assert.match(spawnSync('pdftotext', [out, '-'], { encoding: 'utf8' }).stdout, /ZONA FIORENTINA SUD-EST/i, name);
    }
  });
});

describe('vigilanza report on a Lucca file', () => {
  it("is headed «Città di Lucca», names Lucca's service types and articles, and calls prescriptions «diffide»", () => {
    const out = join(dir, 'lucca.pdf');
    const r = vigilanza(['report', EXAMPLE, '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    const text = spawnSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
    assert.equal(text.status, 0, text.stderr);
    const lines = text.stdout.split('\n').map((l) => l.trim());
    assert.equal(
      lines.find((l) => l.length > 0),
      'CITTÀ DI LUCCA',
    );
    assert.ok(lines.includes('REGOLAMENTO DEI SERVIZI EDUCATIVI PER LA PRIMA INFANZIA'));
    assert.ok(!text.stdout.includes('ZONA FIORENTINA'), 'the Zona heading in a Lucca report');
    assert.match(text.stdout, /Art\. 9 – Classificazione/);
    assert.match(text.stdout, /☒ Nido di infanzia/);
    assert.match(text.stdout, /Reg\. Lucca art\. 28 c\.3/);
    assert.match(text.stdout, /DIFFIDE/);
    assert.match(text.stdout, /Nessuna diffida impartita\./);
    const info = spawnSync('pdfinfo', [out], { encoding: 'utf8' });
    assert.match(info.stdout, /Author:\s+Comune di Lucca/);
  });
});
