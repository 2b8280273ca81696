/**
 * The office dashboards, computed from the registry and the received inspections with the
 * shared rules: inspections due (Art. 17, `serviceInspectionsDue`), acts expiring (`actValidity`),
 * prescriptions past their deadline.
 */
import type { Service } from '../../shared/api/contract.ts';
import { addDays, compareDates, daysBetween, type IsoDate } from '../../shared/dates.ts';
import { actValidity, serviceInspectionsDue, type InspectionsDue, type RuleSet } from '../../shared/rules/index.ts';
import type { OfficeStore, RevisionSummary } from '../storage/store.ts';

export const EXPIRY_WINDOW_DAYS = 90;

const norm = (s: string | null | undefined) => (s ?? '').trim().toLocaleLowerCase('it');

/**
 * Which received inspections are of this service: linked by registry id when the laptop sent it,
 * otherwise by the same name and Comune (inspections made before the registry existed).
 */
function inspectionsOf(service: Service, revisions: RevisionSummary[]): RevisionSummary[] {
  const latest = new Map<string, RevisionSummary>();
  for (const r of revisions) {
    const matches = r.serviceId
      ? r.serviceId === service.id
      : norm(r.serviceName) === norm(service.name) && (!r.comune || norm(r.comune) === norm(service.comune));
    if (!matches) continue;
    const prev = latest.get(r.inspectionId);
    if (!prev || prev.revision < r.revision) latest.set(r.inspectionId, r);
  }
  return [...latest.values()];
}

export interface DueRow {
  service: Service;
  lastVisit: IsoDate | null;
  periods: InspectionsDue['periods'];
  nextDueBy: IsoDate | null;
  overdue: boolean;
}

/** Art. 17 applies to authorised or accredited structures (`serviceInspectionsDue`, as on the laptop). */
export async function inspectionsDueReport(store: OfficeStore, rs: RuleSet, today: IsoDate): Promise<DueRow[]> {
  const [services, revisions] = await Promise.all([store.listServices(), store.allRevisionSummaries()]);
  return services
    .map((service) => ({
      service,
      due: serviceInspectionsDue(
        rs,
        service,
        inspectionsOf(service, revisions).map((r) => r.visitDate),
        today,
      ),
    }))
    .filter(({ due }) => due.bound)
    .map(({ service, due }) => ({
      service,
      lastVisit: due.lastVisit,
      periods: due.periods,
      nextDueBy: due.nextDueBy,
      overdue: due.overdue,
    }))
    .sort(
      (a, b) =>
        Number(b.overdue) - Number(a.overdue) ||
        compareDates(a.nextDueBy ?? '9999-12-31', b.nextDueBy ?? '9999-12-31') ||
        a.service.name.localeCompare(b.service.name, 'it'),
    );
}

export interface ExpiringRow {
  service: Service;
  act: 'autorizzazione' | 'accreditamento';
  issuedOn: IsoDate;
  validUntil: IsoDate;
  daysLeft: number;
  expired: boolean;
}

export async function expiringActsReport(
  store: OfficeStore,
  rs: RuleSet,
  today: IsoDate,
  windowDays = EXPIRY_WINDOW_DAYS,
): Promise<ExpiringRow[]> {
  const limit = addDays(today, windowDays);
  const rows: ExpiringRow[] = [];
  for (const service of await store.listServices()) {
    for (const [act, issuedOn] of [
      ['autorizzazione', service.authorizationIssuedOn],
      ['accreditamento', service.accreditationIssuedOn],
    ] as const) {
      if (!issuedOn) continue;
      const { validUntil } = actValidity(rs, issuedOn);
      if (compareDates(validUntil, limit) > 0) continue;
      rows.push({
        service,
        act,
        issuedOn,
        validUntil,
        daysLeft: daysBetween(today, validUntil),
        expired: compareDates(validUntil, today) < 0,
      });
    }
  }
  return rows.sort((a, b) => compareDates(a.validUntil, b.validUntil));
}

export interface OverdueRow {
  inspectionId: string;
  revision: number;
  serviceName: string;
  comune: string | null;
  visitDate: IsoDate;
  rule: string;
  text: string;
  deadline: IsoDate;
  daysLate: number;
  /** A later visit of the same service after the deadline (a follow-up), if one was received. */
  followUpDate: IsoDate | null;
}

export async function overduePrescriptionsReport(store: OfficeStore, today: IsoDate): Promise<OverdueRow[]> {
  const [prescriptions, revisions] = await Promise.all([store.latestPrescriptions(), store.allRevisionSummaries()]);
  return prescriptions
    .filter((p) => compareDates(p.deadline, today) < 0)
    .map((p) => {
      const followUp = revisions
        .filter(
          (r) =>
            r.inspectionId !== p.inspectionId &&
            (p.serviceId ? r.serviceId === p.serviceId : norm(r.serviceName) === norm(p.serviceName)) &&
            compareDates(r.visitDate, p.deadline) >= 0,
        )
        .map((r) => r.visitDate)
        .sort()[0];
      return {
        inspectionId: p.inspectionId,
        revision: p.revision,
        serviceName: p.serviceName,
        comune: p.comune,
        visitDate: p.visitDate,
        rule: p.rule,
        text: p.text,
        deadline: p.deadline,
        daysLate: daysBetween(p.deadline, today),
        followUpDate: followUp ?? null,
      };
    });
}
