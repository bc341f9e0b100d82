import { useLang } from '../i18n';
import { PANELS } from '../panels';
import type { PanelId } from '../panels/registry';
import { usePanelTabs } from '../state/panels';

export { usePanelTabs };

const ALL: PanelId[] = ['oom', 'reboots', 'crash', 'notes'];

/**
 * The analysis panels on the right, as tabs. Panels whose issues have not landed keep an empty,
 * hidden slot: the UI shows nothing rather than placeholder text.
 */
export function PanelSlots(): React.JSX.Element {
  const lang = useLang((s) => s.lang);
  const chosen = usePanelTabs((s) => s.active);
  const show = usePanelTabs((s) => s.show);
  const active = chosen && PANELS.some((p) => p.id === chosen) ? chosen : (PANELS[0]?.id ?? null);
  return (
    <aside className="panels" hidden={PANELS.length === 0}>
      {PANELS.length > 0 && (
        <div className="panel-tabs" role="tablist">
          {PANELS.map((p) => (
            <button
              key={p.id}
              type="button"
              role="tab"
              data-testid={`tab-${p.id}`}
              aria-selected={p.id === active}
              className={p.id === active ? 'panel-tab active' : 'panel-tab'}
              onClick={() => show(p.id)}
            >
              {p.title[lang]}
            </button>
          ))}
        </div>
      )}
      {ALL.map((id) => {
        const def = PANELS.find((p) => p.id === id);
        if (!def) return <section key={id} data-testid={`panel-${id}`} hidden />;
        return (
          <section key={id} data-testid={def.testId} className="panel" role="tabpanel" hidden={id !== active}>
            <def.Component />
          </section>
        );
      })}
    </aside>
  );
}
