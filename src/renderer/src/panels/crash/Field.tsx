import type { ReactNode } from 'react';
import { LineLink } from './Cite';

/** One decoded value: its label, and the value opening the line it came from. */
export function Field({
  label,
  lineId,
  mono,
  children,
}: {
  label: string;
  lineId: number;
  mono?: boolean;
  children: ReactNode;
}): React.JSX.Element {
  return (
    <>
      <dt>{label}</dt>
      <dd>
        <LineLink lineId={lineId} mono={mono}>
          {children}
        </LineLink>
      </dd>
    </>
  );
}
