import { findingText, OUTCOME_LABELS, type Finding, type Outcome } from '../../shared/rules/index.ts';
import { Badge, type Tone } from '../ui/Badge.tsx';

export const OUTCOME_TONES: Record<Outcome, Tone> = { pass: 'ok', warn: 'warn', fail: 'bad', na: 'neutral' };

/** One finding: outcome, the Italian message with its numbers, the article it rests on. */
export function Rilievo({ finding, onGoTo }: { finding: Finding; onGoTo?: (() => void) | undefined }) {
  return (
    <li className={`rilievo rilievo-${finding.outcome}`} data-rule={finding.rule} data-outcome={finding.outcome}>
      <Badge tone={OUTCOME_TONES[finding.outcome]}>{OUTCOME_LABELS[finding.outcome]}</Badge>
      <p className="rilievo-message">{findingText(finding)}</p>
      <p className="rilievo-meta">
        <cite className="article">{finding.article}</cite>
        {onGoTo && (
          <button type="button" className="button-link" onClick={onGoTo}>
            Vai alla voce
          </button>
        )}
      </p>
    </li>
  );
}
