import { useEffect, useRef } from 'preact/hooks';
import type { EntrySummary } from '../../shared/domain';
import type { HealthFlagName } from '../../shared/upkeep';
import { hostOf } from '../state/format';
import { HealthFlags } from './HealthFlags';
import { Icon } from './Icon';

function Favicon({ entry }: { entry: EntrySummary }) {
  const letter = (entry.title.trim()[0] ?? '?').toUpperCase();
  // A stable hue per title so the list is easy to scan without loading remote favicons.
  let hue = 0;
  for (const ch of entry.title) hue = (hue * 31 + ch.charCodeAt(0)) % 360;
  return (
    // Only the hue is set here; the tile's lightness is a design token (styles.css) so its letter keeps 4.5:1.
    <span class="entry-icon" style={{ '--tile-hue': String(hue) }} aria-hidden="true">
      {letter}
    </span>
  );
}

export function EntryList(props: {
  entries: EntrySummary[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  onOpen: (id: string) => void;
  emptyText: string;
  /** Password health per entry id (weak, reused, old), when known. */
  flags?: ReadonlyMap<string, readonly HealthFlagName[]>;
}) {
  const listRef = useRef<HTMLUListElement>(null);
  useEffect(() => {
    // Keep the keyboard-selected row in view.
    listRef.current?.querySelector('[aria-current="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [props.selectedId]);
  if (props.entries.length === 0) {
    return (
      <div class="list-empty">
        <Icon name="search" size={28} />
        <p>{props.emptyText}</p>
      </div>
    );
  }
  return (
    <ul class="entry-list" aria-label="Entries" ref={listRef}>
      {props.entries.map((e) => (
        <li key={e.id}>
          <button
            type="button"
            aria-current={e.id === props.selectedId ? 'true' : undefined}
            class={`entry-row${e.id === props.selectedId ? ' selected' : ''}${e.damaged ? ' damaged' : ''}`}
            onClick={() => props.onSelect(e.id)}
            onDblClick={() => props.onOpen(e.id)}
          >
            <Favicon entry={e} />
            <span class="entry-text">
              <span class="entry-title">
                {e.title}
                {e.hasTotp && <span class="badge">2FA</span>}
                {e.damaged && <span class="badge badge-danger">damaged</span>}
                <HealthFlags flags={props.flags?.get(e.id)} />
                {e.pending && (
                  <span
                    class="badge badge-muted"
                    title="Saved on this PC; it goes to the office when you are back online."
                  >
                    not sent yet
                  </span>
                )}
              </span>
              <span class="entry-sub">{e.username || (e.url ? hostOf(e.url) : e.category)}</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
