/** `vigilanza check`, `schema` and `checklist` as a user runs them: real process, real files. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, vigilanza } from '../helpers/cli.ts';
import { compliantPeople, nidoFile } from '../helpers/inspection.ts';

let dir = '';
const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigilanza-cli-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('vigilanza check', () => {
  it('prints the DOMAIN.md figures for its example and exits 1 (an auxiliary is missing)', () => {
    const r = vigilanza(['check', 'resources/examples/nido-il-girasole.json']);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ruleSet, 'zona-fse@1');
    assert.deepEqual(out.required, { educatorsPlanned: 4, educatorsPresent: 5, auxiliariesPlanned: 2, auxiliariesPresent: 2 });
    assert.deepEqual(out.authorization, { validUntil: '2028-08-31' });
    assert.deepEqual(out.accreditation, { validUntil: '2026-08-31' });
    const ratio = out.findings.find((f: { rule: string }) => f.rule === 'ratio.educators.present');
    assert.deepEqual(Object.keys(ratio).sort(), ['article', 'message', 'outcome', 'rule']);
    assert.equal(ratio.outcome, 'pass');
    assert.equal(ratio.article, 'DPGR 41/R/2013 artt. 27-34-41');
  });
  it('exits 0 when nothing fails', () => {
    const file = nidoFile({
      people: compliantPeople(),
      staffCounts: { educators: { planned: 6, present: 5 }, auxiliaries: { planned: 2, present: 2 } },
    });
    const r = vigilanza(['check', write('ok.json', file)]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(JSON.parse(r.stdout).findings.every((f: { outcome: string }) => f.outcome !== 'fail'));
  });
  it('reads standard input with "-"', () => {
    const r = vigilanza(['check', '-'], { input: JSON.stringify(nidoFile({ children: undefined, staffCounts: undefined })) });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).required.educatorsPlanned, null);
  });
  const bad: Array<[string, unknown, RegExp]> = [
    [
      'negative capacity',
      { ...nidoFile(), service: { name: 'N', type: 'nido', capacity: -1 } },
      /service\.capacity: non può essere negativa/,
    ],
    ['impossible date', { ...nidoFile(), visit: { date: '2025-02-30', purpose: 'verifica_periodica' } }, /visit\.date: data non valida/],
    ['unknown field', { ...nidoFile(), extra: 1 }, /campo sconosciuto: extra/],
    ['unknown rule set', { ...nidoFile(), ruleSet: 'zona-xyz@9' }, /ruleSet: set di regole sconosciuto "zona-xyz@9"/],
    [
      'band of another type',
      { ...nidoFile(), children: [{ band: '12-17', enrolled: 3 }] },
      /children\[0\]\.band: fascia 12-17 non prevista/,
    ],
    ['unknown answer item', { ...nidoFile(), answers: { 'F.non.esiste': { value: 'yes' } } }, /answers\.F\.non\.esiste: voce sconosciuta/],
    [
      'act issued in year 9999',
      { ...nidoFile(), service: { ...nidoFile().service, authorization: { issuedOn: '9999-12-31' } } },
      /service\.authorization\.issuedOn: data fuori dall'intervallo ammesso/,
    ],
    [
      'visit in year 9999',
      { ...nidoFile(), visit: { date: '9999-12-31', purpose: 'verifica_periodica' } },
      /visit\.date: data fuori dall'intervallo ammesso/,
    ],
    [
      'course completed in year 9999',
      nidoFile({
        people: [{ id: 'p1', role: 'educatore', title: 'L19', trainings: [{ course: 'first_aid', hours: 12, completedOn: '9999-12-31' }] }],
      }),
      /people\[0\]\.trainings\[0\]\.completedOn: data fuori dall'intervallo/,
    ],
    [
      'answer keyed __proto__',
      JSON.stringify(nidoFile()).replace(/}$/, ',"answers":{"__proto__":{"value":"no"}}}'),
      /answers\.__proto__: voce sconosciuta/,
    ],
    ['not JSON', '{ "schemaVersion": 1,', /JSON non valido/],
    ['not an object', '[1,2]', /file di ispezione non valido/],
  ];
  for (const [name, content, message] of bad) {
    it(`bad input (${name}): exit 2, message names it, nothing on stdout`, () => {
      const r = vigilanza(['check', write(`${name.replace(/\W/g, '_')}.json`, content)]);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /at .*\.(ts|js|mjs):\d+/, 'no stack trace');
    });
  }
  it('missing file, directory, no argument and unknown option: exit 2', () => {
    for (const args of [['check', join(dir, 'absent.json')], ['check', dir], ['check'], ['check', 'a', 'b'], ['check', '--nope', 'x']]) {
      const r = vigilanza(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^vigilanza: /);
    }
    assert.match(vigilanza(['check', join(dir, 'absent.json')]).stderr, /file non trovato/);
  });
  it('--help', () => {
    const r = vigilanza(['check', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Uso: vigilanza check FILE/);
  });
});

describe('vigilanza check from its own bundle (dist/cli/check.cjs, with a V8 code cache)', () => {
  const ownBundle = join(ROOT, 'dist/cli/check.cjs');
  const cache = `${ownBundle}.v8-cache`;
  const built = existsSync(ownBundle);
  /** The same command through the full CLI bundle, as `vigilanza check` ran before it had its own. */
  const throughEntry = (args: string[], input?: string) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/entry.mjs'), 'check', ...args], { cwd: ROOT, input, encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it(
    'answers as the full CLI does: findings, bad input, usage errors, --help, standard input',
    { skip: !built && 'dist non compilato' },
    () => {
      const bad = write('bad.json', { ...nidoFile(), service: { ...nidoFile().service, capacity: -1 } });
      const cases: Array<{ args: string[]; input?: string }> = [
        { args: ['resources/examples/nido-il-girasole.json'] },
        { args: ['resources/examples/lucca-nido.json'] },
        { args: [write('ok.json', { ...nidoFile(), people: compliantPeople() })] },
        { args: [bad] },
        { args: [join(dir, 'missing.json')] },
        { args: [dir] },
        { args: [] },
        { args: ['a.json', 'b.json'] },
        { args: ['--nope', 'a.json'] },
        { args: ['--help'] },
        { args: ['-'], input: JSON.stringify(nidoFile()) },
        { args: ['-'], input: '{ not json' },
      ];
      for (const { args, input } of cases) {
        const own = vigilanza(['check', ...args], { input });
        assert.deepEqual(own, throughEntry(args, input), `check ${args.join(' ')}`);
      }
    },
  );

  it('writes its code cache once and then reads it (the file is not rewritten)', { skip: !built && 'dist non compilato' }, () => {
    rmSync(cache, { force: true });
    assert.equal(vigilanza(['check', 'resources/examples/nido-il-girasole.json']).status, 1);
    assert.ok(existsSync(cache), 'the first run writes the cache');
    const written = statSync(cache).mtimeMs;
    const again = vigilanza(['check', 'resources/examples/nido-il-girasole.json']);
    assert.equal(again.status, 1, again.stderr);
    assert.equal(statSync(cache).mtimeMs, written, 'a run that could use the cache leaves it as it is');
  });
});

describe('vigilanza schema and checklist', () => {
  it('schema prints the JSON Schema', () => {
    const r = vigilanza(['schema']);
    assert.equal(r.status, 0);
    const schema = JSON.parse(r.stdout);
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.ok(schema.properties.service);
  });
  it('checklist filters by type and purpose', () => {
    const all = JSON.parse(vigilanza(['checklist']).stdout);
    const dom = JSON.parse(vigilanza(['checklist', '--type', 'domiciliare', '--purpose', 'autorizzazione']).stdout);
    assert.ok(dom.count < all.count);
    assert.equal(
      dom.items.some((i: { section: string }) => i.section === 'ACC'),
      false,
    );
    assert.ok(dom.items.every((i: { serviceTypes: string[] }) => i.serviceTypes.includes('domiciliare')));
    const text = vigilanza(['checklist', '--type', 'nido', '--format', 'text']);
    assert.equal(text.status, 0);
    assert.match(text.stdout, /voci\n$/);
  });
  it('checklist rejects unknown values naming the option', () => {
    const r = vigilanza(['checklist', '--type', 'asilo']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--type: tipologia sconosciuta "asilo"/);
    assert.match(vigilanza(['checklist', '--purpose', 'x']).stderr, /--purpose/);
    assert.match(vigilanza(['checklist', '--format', 'xml']).stderr, /--format/);
  });
  it('unknown command and no command', () => {
    const r = vigilanza(['frobnicate']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /comando sconosciuto: frobnicate/);
    assert.equal(vigilanza([]).status, 2);
    assert.equal(vigilanza(['--help']).status, 0);
  });
  it('usage errors print nothing on stdout: no command, no office subcommand, an extra argument to schema', () => {
    for (const args of [[], ['office'], ['schema', 'extra']]) {
      const r = vigilanza(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, /Uso: vigilanza/, args.join(' '));
    }
    assert.match(vigilanza(['schema', 'extra']).stderr, /argomento inatteso: extra/);
    assert.match(vigilanza(['office', '--help']).stdout, /Uso: vigilanza office/);
  });
});
