/**
 * Slots the analysis panels fill (OOM, Reboots, Crash, Notes, timeline). They stay hidden and
 * empty until their issues land: the UI shows nothing rather than placeholder text.
 */
export function PanelSlots(): React.JSX.Element {
  return (
    <aside className="panels" hidden>
      <section data-testid="panel-oom" hidden />
      <section data-testid="panel-reboots" hidden />
      <section data-testid="panel-crash" hidden />
      <section data-testid="panel-notes" hidden />
    </aside>
  );
}

export function TimelineSlot(): React.JSX.Element {
  return <section className="timeline" data-testid="timeline" hidden />;
}
