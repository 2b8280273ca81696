import type { ReactElement, ReactNode } from 'react';
import { Badge } from '../ui/Badge.tsx';
import { italianDateTime } from '../ui/format.ts';

/**
 * What a signer's certificate says, as the «Firma digitale» page shows it for an imported key and
 * for a chosen device alike: holder, issuer, validity; `children` are the rows of that kind only.
 */
export function CertificateFacts(props: {
  holder: string;
  issuer: string;
  validUntil: string;
  expired: boolean;
  /** The `data-*` mark the tests read (which kind of signer is on screen). */
  mark: Record<`data-${string}`, string>;
  children?: ReactNode;
}): ReactElement {
  return (
    <dl className="facts" {...props.mark}>
      <div>
        <dt>Titolare del certificato</dt>
        <dd>{props.holder}</dd>
      </div>
      <div>
        <dt>Emesso da</dt>
        <dd>{props.issuer}</dd>
      </div>
      <div>
        <dt>Valido fino al</dt>
        <dd>
          {italianDateTime(props.validUntil)} {props.expired ? <Badge tone="bad">Scaduto</Badge> : <Badge tone="ok">Valido</Badge>}
        </dd>
      </div>
      {props.children}
    </dl>
  );
}
