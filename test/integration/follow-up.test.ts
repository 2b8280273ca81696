/**
 * Follow-ups end to end (issue 14): a visit gives two prescriptions (real laptop: SQLite folder,
 * host API); the office (real server on 127.0.0.1, SQLite) receives them over the sync API and
 * its plan proposes the follow-up from deadline + `follow_up.days`, linked to the visit; the
 * second visit checks them, one «ottemperata», one «non ottemperata»: the consequence the Zona's
 * data gives (Reg. zonale art. 11 c.2, suspension) is in the sealed file, in the PDF report
 * (pdftotext) and at the office (the overdue list counts only the one not complied with, and
 * shows its consequence; the review pages show the verification). A third visit finds it still
 * not complied with: art. 11 c.3 lett. a, revocation.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HostApp } from '../../host/app.ts';
import { SyncClient } from '../../host/sync/client.ts';
import { drainOutbox } from '../../host/sync/loop.ts';
import { officePlan, planJson, planText } from '../../office/planning.ts';
import { hashPassword } from '../../office/security.ts';
import { PlanningStore } from '../../office/storage/planning.ts';
import { verificationKey } from '../../shared/follow-up.ts';
import { getTerritory } from '../../shared/territories/index.ts';
import { laptopDir, openLaptop, pairLaptop } from '../helpers/laptop.ts';
import { Clerk } from '../helpers/office-clerk.ts';
import { BACKENDS, startOffice, stopPostgres, type TestOffice } from '../helpers/office-fixtures.ts';

const ZONA = getTerritory('zona-fse')!;
const SERVICE = {
  name: 'Nido Il Pesco',
  type: 'nido',
  comune: 'Impruneta',
  capacity: 40,
  kitchen: true,
  authorizationIssuedOn: '2024-10-15',
};
const ITEM = 'A.destinazione_uso.certificato';
const PASSWORD = 'una-password-lunga';
const actor = { clerkId: null, name: 'test' };

let office: TestOffice;
let folder: { dir: string; remove(): void };
let app: HostApp;
let client: SyncClient;
let planning: PlanningStore;
let clerk: Clerk;

async function call<T = any>(method: string, input: unknown): Promise<T> {
  const r = await app.call(method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.value as T;
}

async function send(): Promise<void> {
  await drainOutbox(app.store.outbox, client, { retryDelayMs: () => 0 });
  const left = app.store.outbox.list().filter((o) => o.status !== 'ricevuta');
  assert.deepEqual(left, [], 'everything received by the office');
}

async function visit(serviceId: string, date: string) {
  return call<{ id: string; toCheck: any[] }>('inspections.create', { serviceId, purpose: 'verifica_periodica', date }).then((i) =>
    call<any>('inspections.get', { id: i.id }),
  );
}

const seal = (id: string) =>
  call<any>('inspections.seal', { id, commissionReason: 'prova automatica: commissione non in esame', signatures: [] });

async function reportText(id: string): Promise<string> {
  const report = await call<{ pdfBase64: string }>('report.get', { inspectionId: id });
  const path = join(folder.dir, `${id}.pdf`);
  writeFileSync(path, Buffer.from(report.pdfBase64, 'base64'));
  return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

after(() => stopPostgres());

for (const backend of BACKENDS)
  describe(`follow-up of prescriptions: prescription → follow-up → «non ottemperata» → consequence (${backend})`, () => {
    before(async () => {
      office = await startOffice(backend, { today: () => '2026-05-04' });
      planning = new PlanningStore(office.server.store.db, ZONA);
      // The Art. 15 commission the plan needs for a Zona visit.
      await planning.savePerson({ name: 'Chiara Fantoni', role: 'pedagogista_zonale', email: 'fantoni@zona.it' }, actor);
      await planning.savePerson(
        { name: 'Marco Bellini', role: 'referente_tecnico_comune', comune: 'Impruneta', email: 'bellini@impruneta.it' },
        actor,
      );
      await planning.savePerson(
        { name: 'Sara Cecchi', role: 'referente_tecnico_comune', comune: 'Bagno a Ripoli', email: 'cecchi@bagnoaripoli.it' },
        actor,
      );
      await office.server.store.createClerk('Ufficio Zona', await hashPassword(PASSWORD));
      clerk = new Clerk(office.url);
      await clerk.login('Ufficio Zona', PASSWORD);
      folder = laptopDir();
      app = openLaptop(folder.dir, '2026-06-10');
      const token = await office.token('Maria Rossi');
      pairLaptop(app, office.url, token, 'Maria Rossi');
      client = new SyncClient({ baseUrl: office.url, token, retry: { attempts: 3, baseMs: 5, maxMs: 50 }, timeoutMs: 10_000 });
    });
    after(async () => {
      app?.close();
      folder?.remove();
      await office?.close();
    });

    test('the whole round', { timeout: 120_000 }, async () => {
      // ---- visit 1 (10/03/2026): two prescriptions ----
      const service = await call<{ id: string }>('services.create', SERVICE);
      const v1 = await visit(service.id, '2026-03-10');
      assert.deepEqual(v1.toCheck, [], 'the first visit has nothing to check');
      await call('inspections.saveAnswer', { inspectionId: v1.id, itemId: ITEM, value: 'no' });
      await call('prescriptions.save', {
        inspectionId: v1.id,
        rule: ITEM,
        text: 'Esibire il certificato di agibilità',
        deadline: '2026-04-10',
      });
      await call('prescriptions.save', {
        inspectionId: v1.id,
        rule: ITEM,
        text: 'Aggiornare il piano di evacuazione',
        deadline: '2026-04-20',
      });
      const sealed1 = await seal(v1.id);
      const visitId1: string = sealed1.inspection.visitId;
      assert.equal(sealed1.inspection.sealedFile.verifications, undefined, 'a file with nothing checked has no verifications');
      await send();

      // ---- the office proposes the follow-up after the later deadline + follow_up.days ----
      const result = await officePlan(office.server.store, planning, '2026-04-01', '2026-06-30');
      const followUps = result.plan.visits.filter((v) => v.reason === 'follow_up');
      assert.equal(followUps.length, 1, 'two prescriptions of one visit → one follow-up');
      const f = followUps[0]!;
      // 20/04 + 7 = 27/04/2026, a Monday.
      assert.equal(f.date, '2026-04-27');
      assert.deepEqual(f.followUpOf, { inspectionId: visitId1, visitDate: '2026-03-10', positions: [0, 1] });
      assert.equal(f.memberIds.length, 3, 'with a complete Art. 15 commission');
      const json = planJson(result) as { visits: Array<{ reason: string; followUpOf: { origin: string } | null }> };
      assert.equal(
        json.visits.find((v) => v.reason === 'follow_up')!.followUpOf!.origin,
        'verifica delle prescrizioni della visita del 10/03/2026',
      );
      assert.match(planText(result), /Origine: verifica delle prescrizioni della visita del 10\/03\/2026/);
      const page = await clerk.page('/pianificazione?dal=01/04/2026&al=30/06/2026');
      assert.match(page, /Origine: verifica delle prescrizioni della visita del 10\/03\/2026/);
      // Accepting it keeps the link: the next plan does not propose it again.
      // «Accetta» posts the proposal's hidden fields, the origin among them.
      const origine = /name="origine" value="([^"]+)"/.exec(page)?.[1]?.replace(/&quot;/g, '"');
      assert.ok(origine, 'the follow-up form carries its origin');
      const accepted = await clerk.post(
        '/pianificazione/visite',
        {
          dal: '01/04/2026',
          al: '30/06/2026',
          serviceId: f.serviceId,
          purpose: f.purpose,
          reason: 'follow_up',
          stato: 'accepted',
          data: '27/04/2026',
          dalle: f.startTime,
          alle: f.endTime,
          membri: f.memberIds.join(','),
          origine,
        },
        '/pianificazione',
      );
      assert.equal(accepted.status, 303, accepted.text.slice(0, 500));
      const saved = await planning.listPlannedVisits('2026-04-27', '2026-04-27');
      assert.deepEqual(
        saved.map((v) => [v.reason, v.status, v.followUpOf]),
        [['follow_up', 'accepted', f.followUpOf]],
      );
      const again = await officePlan(office.server.store, planning, '2026-04-01', '2026-06-30');
      assert.equal(again.plan.visits.filter((v) => v.reason === 'follow_up').length, 0);

      // ---- visit 2 (27/04/2026): the form lists both to check ----
      const v2 = await visit(service.id, '2026-04-27');
      assert.deepEqual(
        v2.toCheck.map((c: any) => [c.key, c.prescription.text, c.consequence.article, c.answer]),
        [
          [verificationKey(visitId1, 0), 'Esibire il certificato di agibilità', 'Reg. zonale art. 11 c.2', null],
          [verificationKey(visitId1, 1), 'Aggiornare il piano di evacuazione', 'Reg. zonale art. 11 c.2', null],
        ],
      );
      // Saved as answers (the autosave's call); a value other than yes/no, or a key not to check, is refused.
      const bad = await app.call('inspections.saveAnswer', { inspectionId: v2.id, itemId: verificationKey(visitId1, 0), value: 'na' });
      assert.equal(bad.ok, false);
      if (!bad.ok) assert.match(bad.error.message, /ottemperata/);
      const unknown = await app.call('inspections.saveAnswer', { inspectionId: v2.id, itemId: verificationKey(visitId1, 7), value: 'no' });
      assert.equal(unknown.ok, false);
      await call('inspections.saveAnswer', {
        inspectionId: v2.id,
        itemId: verificationKey(visitId1, 0),
        value: 'yes',
        note: 'certificato esibito',
      });
      await call('inspections.saveAnswer', {
        inspectionId: v2.id,
        itemId: verificationKey(visitId1, 1),
        value: 'no',
        note: 'piano non aggiornato',
      });
      const reread = await call<any>('inspections.get', { id: v2.id });
      assert.deepEqual(
        reread.toCheck.map((c: any) => c.answer),
        [
          { value: 'yes', note: 'certificato esibito' },
          { value: 'no', note: 'piano non aggiornato' },
        ],
      );
      assert.equal(reread.answers[verificationKey(visitId1, 0)], undefined, 'not a checklist answer');
      const sealed2 = await seal(v2.id);
      const file2 = sealed2.inspection.sealedFile;
      assert.deepEqual(file2.verifications, [
        {
          prescription: {
            visitId: visitId1,
            visitDate: '2026-03-10',
            position: 0,
            rule: ITEM,
            text: 'Esibire il certificato di agibilità',
            deadline: '2026-04-10',
          },
          outcome: 'complied',
          note: 'certificato esibito',
        },
        {
          prescription: {
            visitId: visitId1,
            visitDate: '2026-03-10',
            position: 1,
            rule: ITEM,
            text: 'Aggiornare il piano di evacuazione',
            deadline: '2026-04-20',
          },
          outcome: 'not_complied',
          note: 'piano non aggiornato',
          consequence: { act: "sospensione dell'autorizzazione al funzionamento", article: 'Reg. zonale art. 11 c.2' },
        },
      ]);
      assert.equal(file2.answers?.[verificationKey(visitId1, 0)], undefined, 'the checks are not checklist answers in the file');
      // The section, as pdftotext reads its table (cells wrap): after the heading, each outcome and the consequence.
      const text2 = await reportText(v2.id);
      const section = text2.slice(text2.indexOf('VERIFICA DELLE PRESCRIZIONI'));
      assert.ok(text2.includes('VERIFICA DELLE PRESCRIZIONI'), 'the report has the section');
      for (const words of [
        'Aggiornare il piano di evacuazione',
        'Esibire il certificato di agibilità',
        'non ottemperata',
        'Reg. zonale art. 11 c.2:',
        "sospensione dell'autorizzazione",
        'Nota: piano non aggiornato',
        '20/04/2026',
      ])
        assert.ok(section.includes(words), `«${words}» in the section: ${section.slice(0, 1500)}`);
      // The first visit's report has no such section (its file has none).
      assert.ok(!(await reportText(v1.id)).includes('VERIFICA DELLE PRESCRIZIONI'));
      await send();

      // ---- the office: the complied one leaves the overdue list, the other shows its consequence ----
      const overdue = await office.server.store.overduePrescriptions('2026-05-04');
      assert.deepEqual(
        overdue.map((p) => [p.text, p.notComplied]),
        [
          [
            'Aggiornare il piano di evacuazione',
            { act: "sospensione dell'autorizzazione al funzionamento", article: 'Reg. zonale art. 11 c.2' },
          ],
        ],
      );
      assert.equal(await office.server.store.countOverduePrescriptions('2026-05-04'), 1);
      const dashboard = await clerk.page('/cruscotto');
      assert.match(dashboard, /non ottemperata — Reg\. zonale art\. 11 c\.2: sospensione dell&#x27;autorizzazione al funzionamento/);
      assert.doesNotMatch(dashboard, /Esibire il certificato di agibilità/);
      const csv = await clerk.page('/export/prescrizioni-scadute.csv');
      assert.match(csv, /Esito della verifica/);
      assert.match(csv, /non ottemperata — Reg\. zonale art\. 11 c\.2/);
      const review2 = await clerk.page(`/ispezioni/${encodeURIComponent(sealed2.inspection.visitId)}/1`);
      assert.match(review2, /Verifica delle prescrizioni/);
      assert.match(review2, /non ottemperata/);
      const review1 = await clerk.page(`/ispezioni/${encodeURIComponent(visitId1)}/1`);
      assert.match(review1, /ottemperata \(visita del 27\/04\/2026\)/);
      assert.match(review1, /non ottemperata \(visita del 27\/04\/2026\) — Reg\. zonale art\. 11 c\.2/);

      // ---- visit 3 (10/06/2026): the one not complied with is checked again: art. 11 c.3 lett. a ----
      const v3 = await visit(service.id, '2026-06-10');
      assert.deepEqual(
        v3.toCheck.map((c: any) => [c.prescription.text, c.earlierNotComplied, c.consequence.article, c.consequence.act]),
        [['Aggiornare il piano di evacuazione', 1, 'Reg. zonale art. 11 c.3 lett. a', "revoca dell'autorizzazione al funzionamento"]],
      );
    });
  });
