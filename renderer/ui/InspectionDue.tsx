import type { ServiceSummary } from '../../shared/api/contract.ts';
import { Badge } from './Badge.tsx';
import { italianDate } from './format.ts';

/**
 * What Art. 17 asks of the service, said plainly («Ispezione dovuta entro …», «In regola fino al …»);
 * red when the previous period also went without a visit. The one wording of the services list and
 * of a service's page.
 */
export function InspectionDue({ service: s }: { service: Pick<ServiceSummary, 'inspectionStanding' | 'inspectionOverdue'> }) {
  const standing = s.inspectionStanding;
  if (!standing) return <span className="sub">Non dovute: nessuna autorizzazione né accreditamento</span>;
  const text =
    standing.kind === 'due' ? `Ispezione dovuta entro ${italianDate(standing.by)}` : `In regola fino al ${italianDate(standing.by)}`;
  if (standing.kind === 'in_order')
    return (
      <>
        {text}
        {s.inspectionOverdue && <span className="sub">un periodo precedente è rimasto senza ispezione</span>}
      </>
    );
  // Overdue: the period before this one went without a visit too.
  if (s.inspectionOverdue) return <Badge tone="bad">{text}</Badge>;
  return <Badge tone="warn">{text}</Badge>;
}
