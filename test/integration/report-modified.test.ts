/**
 * A signed report changed by an incremental update after its signature (a page-1 overlay that
 * hides a figure, an added page, a FreeText annotation, …) and then signed again, by a self-signed
 * key or by a trusted member: every signature stays intact, so only comparing what each signature
 * saw with the final document catches it. `vigilanza verify` must exit 1 and name the change;
 * the app's own co-signature must still verify. pdfsig's output is read, never its exit code.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport, loadP12, signPdfWith, verifyPdf } from '../../report/index.ts';
import { sampleReportInput } from '../../report/testing/fixtures.ts';
import { vigilanza } from '../helpers/cli.ts';
import { makeTestPki, P12_PASSPHRASE, pdfsig, type TestPki } from '../helpers/pki.ts';
import { serialize as serializeValue } from '../../report/pdf/objects.ts';
import { addPage, appendClassic, appendCompressed, freeTextOnPage1, overlayPage1, startForge, type Forge } from '../helpers/pdf-forge.ts';

let pki: TestPki;
let dir: string;
let signed: Buffer;
let cosigned: Buffer;

const run = (args: string[]) => vigilanza(args, { env: { VIGILANZA_FROM_SOURCE: '1' } });

function save(nameOf: string, bytes: Buffer): string {
  const path = join(dir, nameOf);
  writeFileSync(path, bytes);
  return path;
}

async function signWith(pdf: Buffer, p12: Buffer): Promise<Buffer> {
  return (await signPdfWith(pdf, await loadP12(p12, P12_PASSPHRASE), { reason: 'Controfirma' })).pdf;
}

function forged(change: (f: Forge) => void, write: (b: Buffer, f: Forge) => Buffer = appendClassic): Buffer {
  const f = startForge(signed);
  change(f);
  return write(signed, f);
}

/** `vigilanza verify` on a file: exit code and parsed JSON. */
function verifyCli(
  path: string,
  ca?: string,
): {
  status: number | null;
  result: {
    valid: boolean;
    modifications: Array<{ kind: string; page?: number; count?: number; keys?: string[]; label: string }>;
    signatures: Array<{ intact: boolean; modifiedAfterSigning: boolean; trusted: boolean | null; problems: string[] }>;
    problems: string[];
  };
} {
  const r = run(['verify', path, ...(ca ? ['--ca', ca] : [])]);
  return { status: r.status, result: JSON.parse(r.stdout) };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigilanza-modified-'));
  pki = makeTestPki();
  signed = await signWith(await buildReport(sampleReportInput({ photos: 1, digitallySigned: true })), pki.signerP12);
  cosigned = await signWith(signed, pki.legacyP12);
});

after(() => {
  pki?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('the genuine co-signed report', () => {
  test('still verifies: exit 0 with the CA, nothing modified, pdfsig says both signatures are valid', async () => {
    const path = save('controfirmato.pdf', cosigned);
    const { status, result } = verifyCli(path, pki.caPemPath);
    assert.equal(status, 0, JSON.stringify(result.problems));
    assert.equal(result.valid, true);
    assert.deepEqual(result.modifications, []);
    assert.deepEqual(
      result.signatures.map((s) => s.modifiedAfterSigning),
      [false, false],
    );
    const out = pdfsig(path, pki.nssDir);
    assert.equal(out.match(/Signature is Valid/g)?.length, 2, out);
  });
});

const CASES: Array<{ what: string; change: (f: Forge) => void; expect: { kind: string; page?: number; count?: number }; label: RegExp }> = [
  {
    what: 'an overlay on page 1 hiding a figure',
    change: overlayPage1,
    expect: { kind: 'page_content', page: 1 },
    label: /contenuto della pagina 1/,
  },
  { what: 'an added page', change: addPage, expect: { kind: 'pages_added', count: 1 }, label: /1 pagina aggiunta/ },
  {
    what: 'a FreeText annotation on page 1',
    change: freeTextOnPage1,
    expect: { kind: 'annotations', page: 1 },
    label: /annotazioni della pagina 1/,
  },
];

for (const c of CASES) {
  describe(`forged: ${c.what}, then signed again`, () => {
    for (const [who, key] of [
      ['a self-signed key', () => pki.selfSignedP12],
      ['the trusted second member', () => pki.legacyP12],
    ] as const) {
      test(`by ${who}: every signature intact, yet verify exits 1 and names the change`, async () => {
        const bytes = await signWith(forged(c.change), key());
        const path = save(`falso-${c.expect.kind}-${who.length}.pdf`, bytes);
        // pdfsig alone calls both signatures valid: that is the hole this verifier closes.
        const out = pdfsig(path);
        assert.equal(out.match(/Signature is Valid/g)?.length, 2, out);
        for (const ca of [undefined, pki.caPemPath]) {
          const { status, result } = verifyCli(path, ca);
          assert.equal(status, 1, `--ca ${ca}`);
          assert.equal(result.valid, false);
          assert.deepEqual(
            result.signatures.map((s) => s.intact),
            [true, true],
          );
          assert.deepEqual(
            result.signatures.map((s) => s.modifiedAfterSigning),
            [true, false],
          );
          assert.ok(
            result.modifications.some((m) => Object.entries(c.expect).every(([k, v]) => (m as Record<string, unknown>)[k] === v)),
            JSON.stringify(result.modifications),
          );
          assert.match(result.signatures[0]!.problems.join('; '), /modificato dopo la firma/);
          assert.match(result.problems.join('; '), c.label);
        }
      });
    }
  });
}

describe('other updates after the signature', () => {
  test('the same overlay in an xref stream with the objects in an object stream is still caught', async () => {
    const r = await verifyPdf(forged(overlayPage1, appendCompressed));
    assert.equal(r.valid, false);
    assert.deepEqual(
      r.modifications.map((m) => [m.kind, m.page]),
      [['page_content', 1]],
    );
  });

  test('a new catalog entry (/OpenAction with JavaScript) is named', async () => {
    const r = await verifyPdf(
      forged((f) => {
        const js = f.alloc();
        f.objects.set(js, '<< /S /JavaScript /JS (app.alert\\(1\\)) >>');
        f.objects.set(f.rootNum, `${serializeCatalogWith(f, `/OpenAction ${js} 0 R`)}`);
      }),
    );
    assert.equal(r.valid, false);
    assert.deepEqual(
      r.modifications.map((m) => [m.kind, m.keys]),
      [['catalog', ['OpenAction']]],
    );
  });

  test('an update that only changes /Info is a change too', async () => {
    const r = await verifyPdf(
      forged((f) => {
        const info = f.alloc();
        f.objects.set(info, '<< /Title (Verbale corretto) >>');
        f.trailer.set('Info', `${info} 0 R`);
      }),
    );
    assert.equal(r.valid, false);
    assert.deepEqual(
      r.modifications.map((m) => m.kind),
      ['trailer'],
    );
  });

  test('an update that redefines an object the signed revision used (page 1 content stream) is caught', async () => {
    const r = await verifyPdf(
      forged((f) => {
        const contents = f.page1.get('Contents');
        const num = (Array.isArray(contents) ? contents[0] : contents) as { num: number };
        f.objects.set(num.num, '<< /Length 20 >>\nstream\nBT (falso) Tj ET   \nendstream');
      }),
    );
    assert.deepEqual(
      r.modifications.map((m) => [m.kind, m.page]),
      [['page_content', 1]],
    );
  });

  test('an update whose /Prev skips the signed revision is compared by what it shows', async () => {
    const f = startForge(signed);
    overlayPage1(f);
    // The signed revision's /Prev is the unsigned report's xref: the forgery chains to that one.
    const unsignedXref = f.pdf.trailer.get('Prev') as number;
    const r = await verifyPdf(appendClassic(signed, f, { prev: unsignedXref }));
    assert.equal(r.valid, false);
    assert.ok(r.modifications.length > 0, JSON.stringify(r.modifications));
  });

  test('a trailing update that cannot be read is never taken for no change', async () => {
    const f = startForge(signed);
    overlayPage1(f);
    const bytes = appendCompressed(signed, f);
    // Break the deflate data of the xref stream (after "stream\n" of the last object).
    const at = bytes.lastIndexOf('stream\n', bytes.lastIndexOf('endstream')) + 9;
    bytes[at] = bytes[at]! ^ 0xff;
    const r = await verifyPdf(bytes);
    assert.equal(r.valid, false);
    assert.deepEqual(
      r.modifications.map((m) => m.kind),
      ['unreadable'],
    );
  });

  test('with --ca every signer must be trusted: a self-signed co-signature alone makes it invalid', () => {
    return signWith(signed, pki.selfSignedP12).then((bytes) => {
      const path = save('controfirma-autofirmata.pdf', bytes);
      const withCa = verifyCli(path, pki.caPemPath);
      assert.equal(withCa.status, 1);
      assert.deepEqual(
        withCa.result.signatures.map((s) => s.trusted),
        [true, false],
      );
      assert.match(withCa.result.problems.join('; '), /non attendibile.*Mallory Falsari/);
      assert.deepEqual(withCa.result.modifications, []);
      assert.equal(verifyCli(path).status, 0, 'without trust anchors only integrity is judged');
    });
  });
});

function serializeCatalogWith(f: Forge, extra: string): string {
  const body = [...f.catalog.map].map(([k, v]) => `/${k} ${serializeValue(v)}`).join(' ');
  return `<< ${body} ${extra} >>`;
}
