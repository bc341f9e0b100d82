import { useT } from '../i18n';
import { useConnection } from '../state/connection';

/** Says when the browser host cannot be reached (never shown under Electron). */
export function ConnectionBanner(): React.JSX.Element | null {
  const t = useT();
  const status = useConnection((s) => s.status);
  const failures = useConnection((s) => s.failures);
  if (status === 'open') return null;
  if (status === 'connecting' && failures === 0) return null;
  return (
    <div className="banner" role="alert" data-testid="connection-banner">
      {t(status === 'reconnecting' ? 'connection.lost' : 'connection.connecting')}
    </div>
  );
}
