/**
 * The inspection file (shared/inspection.ts) built from the database records: what is sealed,
 * hashed, exported and evaluated. Built in one place so that the seal, the export and the
 * fail counts all see the same content.
 */
import type { InspectionContent, InspectionRecord } from '../db/records.ts';
import type { Store } from '../db/store.ts';
import {
  notCompliedConsequence,
  OUTCOME_OF_ANSWER,
  prescriptionsToCheck,
  verificationKey,
  type PrescriptionToCheck,
} from '../shared/follow-up.ts';
import { parseSealedFile, type Answer, type InspectionFile, type Person, type Verification } from '../shared/inspection.ts';
import { resolveFile, territoryOfRuleSet } from '../shared/territories/index.ts';
import { personFromStaff, serviceSection } from '../shared/inspection-parts.ts';
import { registerIds } from '../shared/checklist/answers.ts';
import { checklistKey, getChecklist } from '../shared/checklist/index.ts';
import { RULE_SETS } from '../shared/rules/index.ts';
import { IntegrityError } from '../db/errors.ts';
import { laptopTerritory } from './territory.ts';

/**
 * The earlier visits' prescriptions this visit checks (issue 14): from the laptop's own sealed
 * visits of the service, and those the office's follow-up plan it was started from names (sealed
 * by any laptop: `toVerify` of the plan, «Agenda»), one per `verifica:<visit>:<position>` key (the
 * laptop's own copy first); each with the consequence the territory's data gives to a «no», its
 * step the more of the laptop's and the office's count of earlier «non ottemperata».
 */
export function toCheckOf(store: Store, r: Pick<InspectionRecord, 'serviceId' | 'visitId' | 'date' | 'ruleSet'>): PrescriptionToCheck[] {
  const territory = territoryOfRuleSet(r.ruleSet);
  if (!territory) return [];
  const earlier = store.prescriptions.earlierOfService(r.serviceId, r.visitId, r.date);
  const planned = store.agenda.toVerifyOf(r.visitId);
  const own = new Set(earlier.prescriptions.map((p) => verificationKey(p.visitId, p.position)));
  const officeCount = new Map(planned.map((p) => [verificationKey(p.visitId, p.position), p.earlierNotComplied]));
  const fromPlan = planned
    .filter((p) => p.visitId !== r.visitId && !own.has(verificationKey(p.visitId, p.position)))
    .map((p) => ({ visitId: p.visitId, visitDate: p.visitDate, position: p.position, rule: p.rule, text: p.text, deadline: p.deadline }));
  return prescriptionsToCheck(territory, r.date, [...earlier.prescriptions, ...fromPlan], earlier.checks).map((c) => {
    const n = Math.max(c.earlierNotComplied, officeCount.get(c.key) ?? 0);
    return n === c.earlierNotComplied ? c : { ...c, earlierNotComplied: n, consequence: notCompliedConsequence(territory, n) };
  });
}

/** The checks answered «ottemperata» / «non ottemperata», as the file seals them (unanswered ones stay open). */
export function verificationsOf(toCheck: readonly PrescriptionToCheck[], checks: Readonly<Record<string, Answer>>): Verification[] {
  const out: Verification[] = [];
  for (const c of toCheck) {
    const answer = checks[c.key];
    const outcome = typeof answer?.value === 'string' ? OUTCOME_OF_ANSWER[answer.value] : undefined;
    if (!outcome) continue;
    const v: Verification = { prescription: c.prescription, outcome };
    if (answer?.note?.trim()) v.note = answer.note.trim();
    if (outcome === 'not_complied') v.consequence = c.consequence;
    out.push(v);
  }
  return out;
}

/**
 * What the file names it was made under (issue 12): the laptop's territory (host/territory.ts), the
 * visit's rule set and the checklist the laptop reads its answers with (the Scheda of that rule set's
 * key, as `checklistOf` does). Only files built from now on carry `territory` and `checklist`: a
 * revision sealed before keeps its stored bytes and hash. The laptop's territory is fixed once a visit
 * exists, so a visit under another territory's rules is a damaged store, never a file that
 * `vigilanza check` and the office would refuse.
 */
function namedVersions(store: Store, ruleSet: string): Pick<InspectionFile, 'territory' | 'ruleSet' | 'checklist'> {
  const territory = laptopTerritory(store);
  const checklist = getChecklist(ruleSet);
  const named = { territory: territory.id, ruleSet, checklist: checklist ? checklistKey(checklist) : ruleSet };
  const resolved = resolveFile(named);
  if (!resolved.ok)
    throw new IntegrityError(
      `la visita segue ${ruleSet}, ma il portatile applica il territorio «${territory.name}» (${resolved.errors.join('; ')})`,
      'id',
    );
  return named;
}

export function buildInspectionFile(store: Store, content: InspectionContent): InspectionFile {
  const service = store.services.get(content.serviceId);
  const members = store.members.getMany(content.memberIds);
  const people: Person[] = content.staffIds
    .map((id) => store.staff.get(id, 'staffIds'))
    .sort((a, b) => a.name.localeCompare(b.name, 'it') || a.id.localeCompare(b.id))
    .map(personFromStaff);
  const file: InspectionFile = {
    schemaVersion: 1,
    ...namedVersions(store, content.ruleSet),
    service: serviceSection(service),
    visit: { date: content.date, purpose: content.purpose, members: members.map((m) => ({ name: m.name, role: m.role })) },
  };
  // Only when recorded: a visit without them seals to the same file (and hash) as before they existed.
  if (content.place !== null) file.visit.place = content.place;
  if (content.startTime !== null) file.visit.startTime = content.startTime;
  if (content.endTime !== null) file.visit.endTime = content.endTime;
  // Absent means "not recorded" (rules are then `na`); an empty list would read as zero.
  if (content.children.length) file.children = content.children;
  if (content.staffCounts.educators || content.staffCounts.auxiliaries) file.staffCounts = content.staffCounts;
  if (people.length) file.people = people;
  if (Object.keys(content.answers).length) file.answers = content.answers;
  // Started from the office's plan («Agenda»): sealed, so the office links the visit to that plan.
  const plan = store.agenda.planOf(content.visitId);
  if (plan) file.plan = plan;
  // Only when something was checked: a visit without follow-ups seals to the same file as before them.
  const verifications = Object.keys(content.checks).length ? verificationsOf(toCheckOf(store, content), content.checks) : [];
  if (verifications.length) file.verifications = verifications;
  // The register entries picked at the register's item, as this laptop's copy holds them: the check reads them.
  const register = RULE_SETS.get(content.ruleSet)?.educatorRegister;
  const picked = register ? content.answers[register.item]?.value : undefined;
  if (register && register.serviceTypes.includes(service.type) && typeof picked === 'string') {
    const entries = (registerIds(picked) ?? []).map((id) => store.register.get(id)).filter((e) => e !== null);
    if (entries.length) file.registerEntries = entries;
  }
  // Sealed into the file (and so into its hash): whoever holds it, an office too, sees it is not real.
  if (content.demo) file.demo = true;
  return file;
}

/**
 * Parses a stored canonical file; a stored file that no longer validates is a damaged database
 * (text sealed before control characters were refused is not: see `parseSealedFile`).
 */
export function parseStoredFile(text: string): InspectionFile {
  const parsed = parseSealedFile(JSON.parse(text));
  if (!parsed.ok) throw new Error(`file sigillato non valido: ${parsed.errors.join('; ')}`);
  return parsed.value;
}
