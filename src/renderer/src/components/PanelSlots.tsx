import { create } from 'zustand';
import { useLang } from '../i18n';
import { PANELS } from '../panels';
import type { PanelId } from '../panels/registry';

const ALL: PanelId[] = ['oom', 'reboots', 'crash', 'notes'];

interface PanelTabs {
  active: PanelId | null;
  show: (id: PanelId) => void;
}

/** Which analysis panel is in front; any component can bring one forward (e.g. a finding's click). */
export const usePanelTabs = create<PanelTabs>((set) => ({
  active: null,
  show: (id) => set({ active: id }),
}));

/**
 * The analysis panels on the right, as tabs. Panels whose issues have not landed keep an empty,
 * hidden slot: the UI shows nothing rather than placeholder text.
 */
export function PanelSlots(): React.JSX.Element {
  const lang = useLang((s) => s.lang);
  const chosen = usePanelTabs((s) => s.active);
  const show = usePanelTabs((s) => s.show);
  const active = chosen ?? PANELS[0]?.id ?? null;
  return (
    <aside className="panels" hidden={PANELS.length === 0}>
      {PANELS.length > 0 && (
        <div className="panel-tabs" role="tablist">
          {PANELS.map((p) => (
            <button
              key={p.id}
              type="button"
              role="tab"
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

export function TimelineSlot(): React.JSX.Element {
  return <section className="timeline" data-testid="timeline" hidden />;
}
