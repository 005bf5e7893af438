import { useEffect, useState } from 'preact/hooks';
import type { Conflict, ConflictSide } from '../../shared/domain';
import { call, errorMessage } from '../api';
import { Icon } from '../components/Icon';
import { dateTime } from '../state/format';
import { useStore, useToast } from '../state/store';

const FIELDS: { key: keyof ConflictSide; label: string }[] = [
  { key: 'title', label: 'Title' },
  { key: 'username', label: 'Username' },
  { key: 'url', label: 'Website' },
  { key: 'category', label: 'Category' },
  { key: 'notes', label: 'Notes' },
];

function Side({
  side,
  other,
  heading,
  passwordsDiffer,
}: {
  side: ConflictSide;
  other: ConflictSide;
  heading: string;
  passwordsDiffer: boolean;
}) {
  return (
    <div class="conflict-side">
      <h3>{heading}</h3>
      <p class="muted small">
        {side.changedBy} · {dateTime(side.changedAt)}
      </p>
      {side.deleted ? (
        <p class="chip chip-danger">Deleted in this version</p>
      ) : (
        <dl>
          {FIELDS.map(({ key, label }) => (
            <div key={key} class={side[key] !== other[key] ? 'differs' : ''}>
              <dt>{label}</dt>
              <dd>{String(side[key]) || <span class="muted">—</span>}</dd>
            </div>
          ))}
          <div class={passwordsDiffer ? 'differs' : ''}>
            <dt>Password</dt>
            <dd>{passwordsDiffer ? 'Different from the other version' : 'Same in both'}</dd>
          </div>
        </dl>
      )}
    </div>
  );
}

// Both versions side by side; the admin keeps one or both. Nothing is dropped without a choice.
export function Conflicts() {
  const { state, dispatch } = useStore();
  const toast = useToast();
  const [conflicts, setConflicts] = useState<Conflict[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    call('conflicts.list', {}).then(
      (r) => setConflicts(r.conflicts),
      (err) => toast('error', errorMessage(err)),
    );
  }, [state.conflictsCount, state.revision]);

  async function resolve(conflict: Conflict, choice: 'mine' | 'theirs' | 'both') {
    setBusy(conflict.id);
    try {
      await call('conflicts.resolve', { conflictId: conflict.id, choice });
      setConflicts((list) => list?.filter((c) => c.id !== conflict.id) ?? null);
      dispatch({ type: 'entriesChanged' });
      toast('success', choice === 'both' ? 'Both versions kept as separate entries.' : 'Conflict resolved.');
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <main class="page" aria-labelledby="conflicts-title">
      <header class="page-header">
        <h1 id="conflicts-title">Conflicts</h1>
        <p class="muted">
          These entries were changed on this PC while someone else changed them too. Compare and choose what
          to keep.
        </p>
      </header>
      {conflicts?.length === 0 && (
        <div class="list-empty">
          <Icon name="check" size={28} />
          <p>No conflicts. Everything is in sync.</p>
        </div>
      )}
      {conflicts?.map((c) => (
        <section key={c.id} class="card conflict" aria-label={`Conflict on ${c.theirs.title}`}>
          <div class="conflict-grid">
            <Side side={c.mine} other={c.theirs} heading="Your version" passwordsDiffer={c.passwordsDiffer} />
            <Side
              side={c.theirs}
              other={c.mine}
              heading="Version on the server"
              passwordsDiffer={c.passwordsDiffer}
            />
          </div>
          <div class="row-actions">
            <button
              type="button"
              class="btn btn-primary"
              disabled={busy === c.id}
              onClick={() => void resolve(c, 'mine')}
            >
              Keep mine
            </button>
            <button
              type="button"
              class="btn"
              disabled={busy === c.id}
              onClick={() => void resolve(c, 'theirs')}
            >
              Keep theirs
            </button>
            <button
              type="button"
              class="btn"
              disabled={busy === c.id}
              onClick={() => void resolve(c, 'both')}
            >
              Keep both
            </button>
          </div>
        </section>
      ))}
    </main>
  );
}
