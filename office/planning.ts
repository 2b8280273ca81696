/**
 * The office's side of planning: gathers what the pure planner (shared/planning.ts) needs from the
 * store (the registry, the visits of the Art. 17 periods the span touches, the people, the visits
 * already planned) and words the proposal in Italian for `vigilanza office plan`.
 */
import { PERSON_ROLE_LABELS, PLAN_REASON_LABELS, PURPOSE_LABELS } from '../shared/domain.ts';
import { addDays, formatItalianDate } from '../shared/dates.ts';
import { followUpOrigin, proposePlan, type Person, type Plan } from '../shared/planning.ts';
import { RULE_SETS } from '../shared/rules/index.ts';
import type { Territory } from '../shared/territories/schema.ts';
import { italianHolidayName } from './holidays.ts';
import { serviceKey } from './storage/keys.ts';
import type { PlanningStore } from './storage/planning.ts';
import type { OfficeStore } from './storage/store.ts';

export interface OfficePlan {
  territory: Territory;
  plan: Plan;
  people: Map<string, Person>;
}

/**
 * The proposal for [from, to]: Art. 17's periods are calendar ones, so the visits that count are
 * those from 1 January of `from`'s year to `to` (latest revision of each visit). A visit sent
 * without a registry id counts for the entry with its folded name and, if it names one, Comune,
 * as on the cruscotto.
 */
export async function officePlan(store: OfficeStore, planning: PlanningStore, from: string, to: string): Promise<OfficePlan> {
  const territory = planning.territory;
  const ruleSet = RULE_SETS.get(territory.ruleSet)!;
  const [services, visits, people, planned, prescriptions] = await Promise.all([
    store.listServices(),
    store.latestVisitsBetween(`${from.slice(0, 4)}-01-01`, to),
    planning.listPeople(),
    // A semester's planned visits of the whole span's years book people and cover periods.
    planning.listPlannedVisits(`${from.slice(0, 4)}-01-01`, `${to.slice(0, 4)}-12-31`),
    // Deadlines by the span's end (less the territory's days): their follow-up may fall in it.
    store.prescriptionsToVerify(addDays(to, -territory.followUp.days)),
  ]);
  const byId = new Map<string, string[]>();
  const unlinked = new Map<string, Array<{ comune: string | null; date: string }>>();
  for (const v of visits) {
    if (v.serviceId) byId.set(v.serviceId, [...(byId.get(v.serviceId) ?? []), v.visitDate]);
    else
      unlinked.set(serviceKey(v.serviceName), [
        ...(unlinked.get(serviceKey(v.serviceName)) ?? []),
        { comune: v.comune, date: v.visitDate },
      ]);
  }
  const visitDates = new Map<string, string[]>();
  for (const s of services) {
    const dates = [...(byId.get(s.id) ?? [])];
    // Only when some visit came without a registry id: else every name would be folded for nothing.
    if (unlinked.size)
      for (const u of unlinked.get(serviceKey(s.name)) ?? [])
        if (!u.comune || serviceKey(u.comune) === serviceKey(s.comune)) dates.push(u.date);
    visitDates.set(s.id, dates);
  }
  // A follow-up already saved for an earlier span still settles its origin: look it up by the origin's visits.
  const plan = proposePlan({
    territory,
    ruleSet,
    from,
    to,
    services,
    visitDates,
    people,
    planned: [
      ...planned,
      ...(await planning.listFollowUpsOf(prescriptions.map((p) => p.inspectionId))).filter((f) => !planned.some((v) => v.id === f.id)),
    ],
    prescriptions,
    holidayName: italianHolidayName,
  });
  return { territory, plan, people: new Map(people.map((p) => [p.id, p])) };
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const memberText = (p: Person) => `${p.name} (${lowerFirst(PERSON_ROLE_LABELS[p.role])}${p.comune ? `, ${p.comune}` : ''})`;

/** The proposal as `vigilanza office plan --json` prints it: each visit with its commission by name. */
export function planJson({ territory, plan, people }: OfficePlan): unknown {
  return {
    territory: territory.id,
    from: plan.from,
    to: plan.to,
    schedule: plan.schedule,
    visits: plan.visits.map((v) => ({
      serviceId: v.serviceId,
      serviceName: v.serviceName,
      comune: v.comune,
      purpose: v.purpose,
      date: v.date,
      startTime: v.startTime,
      endTime: v.endTime,
      reason: v.reason,
      duePeriod: v.duePeriod,
      followUpOf: v.followUpOf ? { ...v.followUpOf, origin: followUpOrigin(territory, v.followUpOf) } : null,
      commission: v.memberIds.map((id) => {
        const p = people.get(id)!;
        return { id, name: p.name, role: p.role, comune: p.comune };
      }),
      conflicts: v.conflicts,
    })),
    unplanned: plan.unplanned,
  };
}

/** The proposal in words, for a clerk at the terminal. */
export function planText({ territory, plan, people }: OfficePlan): string {
  const lines = [
    `Piano delle visite proposto dal ${formatItalianDate(plan.from)} al ${formatItalianDate(plan.to)} — ${territory.name}`,
    `Regola: ${plan.schedule}`,
    '',
  ];
  if (!plan.visits.length) lines.push('Nessuna visita dovuta nel periodo.');
  plan.visits.forEach((v, i) => {
    lines.push(`${i + 1}. ${formatItalianDate(v.date)} ${v.startTime}–${v.endTime}  ${v.serviceName} (${v.comune})`);
    lines.push(
      `   Scopo: ${lowerFirst(PURPOSE_LABELS[v.purpose])} · Motivo: ${PLAN_REASON_LABELS[v.reason]}, periodo ${formatItalianDate(v.duePeriod.from)}–${formatItalianDate(v.duePeriod.to)}`,
    );
    if (v.followUpOf) lines.push(`   Origine: ${followUpOrigin(territory, v.followUpOf)}`);
    lines.push(`   Commissione: ${v.memberIds.length ? v.memberIds.map((id) => memberText(people.get(id)!)).join('; ') : 'da indicare'}`);
    for (const c of v.conflicts) lines.push(`   Conflitto: ${c.message}`);
  });
  if (plan.unplanned.length) {
    lines.push('', 'Dovute ma non pianificabili:');
    for (const u of plan.unplanned)
      lines.push(`- ${u.serviceName} (periodo ${formatItalianDate(u.duePeriod.from)}–${formatItalianDate(u.duePeriod.to)}): ${u.why}`);
  }
  lines.push('', `${plan.visits.length} visite proposte, ${plan.unplanned.length} non pianificabili. Niente è stato salvato.`);
  return lines.join('\n') + '\n';
}
