// Offboarding's second step (DESIGN.md §4): after disabling someone, the admin gives each vault a new key. The
// vaults are rotated one after another on this PC; each one's outcome stays on screen until the admin closes it,
// because the list of exposed entries is the admin's to-do list (change those passwords at the source).
import { useEffect, useState } from 'preact/hooks';
import type { CallResponse } from '../../shared/contract';
import type { Member, VaultInfo } from '../../shared/domain';
import { call, errorMessage } from '../api';
import { FormError } from '../components/AuthLayout';
import { HealthFlags } from '../components/HealthFlags';
import { Icon } from '../components/Icon';
import { Modal } from '../components/Modal';
import { dateTime } from '../state/format';

type Rotated = CallResponse<'admin.rotateVault'>;
type Outcome = { vault: VaultInfo } & ({ ok: true; result: Rotated } | { ok: false; error: string });

const DONE: Record<string, string> = {
  'entry.reveal': 'revealed the password',
  'entry.copy': 'copied the password',
  'entry.copy_username': 'copied the username',
  'entry.totp': 'viewed the one-time code',
};

function VaultOutcome({ outcome, leaver }: { outcome: Outcome; leaver: string }) {
  const name = outcome.vault.name;
  if (!outcome.ok)
    return (
      <section class="stack" aria-label={name}>
        <h3>{name}</h3>
        <FormError message={outcome.error} />
      </section>
    );
  const { keyVersion, exposed, unverified } = outcome.result;
  return (
    <section class="stack" aria-label={name}>
      <h3>{name}</h3>
      <p>
        <Icon name="check" size={16} /> New key: version {keyVersion}.
      </p>
      {exposed.length === 0 ? (
        <p class="muted">{leaver} revealed or copied nothing in this vault.</p>
      ) : (
        <>
          <p>
            {leaver} revealed or copied these. Change each password where it is set (the website or system):
          </p>
          <ul data-testid="exposed-entries">
            {exposed.map((e) => (
              <li key={e.entryId}>
                <strong>{e.title || 'An entry this PC cannot open'}</strong> <HealthFlags flags={e.flags} />{' '}
                <span class="muted small">
                  {DONE[e.action] ?? e.action}, {dateTime(e.at)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {unverified.length > 0 && (
        <div class="banner banner-warning" role="alert">
          <Icon name="alert" size={16} />
          <div>
            <p>
              Not given the new key: the server lists them as holding this vault, but without a grant this PC
              can verify. If they should have access, check with them in person and confirm their fingerprint
              again.
            </p>
            <ul data-testid="unverified-holders">
              {unverified.map((u) => (
                <li key={u.memberId}>
                  {u.displayName || u.email || u.memberId}
                  {u.email && u.displayName ? ` (${u.email})` : ''} — {u.reason}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}

export function RotateVaultsDialog({ leaver, onClose }: { leaver: Member; onClose: () => void }) {
  const name = leaver.displayName || leaver.email;
  const [vaults, setVaults] = useState<VaultInfo[] | null>(null);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [loadError, setLoadError] = useState<string | null>(null);
  const [running, setRunning] = useState<VaultInfo | null>(null);
  const [outcomes, setOutcomes] = useState<Outcome[] | null>(null);

  useEffect(() => {
    call('vault.list', {}).then(
      (r) => {
        setVaults(r.vaults);
        setChosen(new Set(r.vaults.map((v) => v.id)));
      },
      (err) => setLoadError(errorMessage(err)),
    );
  }, []);

  async function rotate() {
    const picked = (vaults ?? []).filter((v) => chosen.has(v.id));
    const done: Outcome[] = [];
    setOutcomes(done);
    for (const vault of picked) {
      setRunning(vault);
      try {
        const result = await call('admin.rotateVault', { vaultId: vault.id, leaverId: leaver.id });
        done.push({ vault, ok: true, result });
      } catch (err) {
        done.push({ vault, ok: false, error: errorMessage(err) });
      }
      setOutcomes([...done]);
    }
    setRunning(null);
  }

  const total = vaults?.filter((v) => chosen.has(v.id)).length ?? 0;
  const finished = outcomes !== null && running === null;
  return (
    <Modal title={`Rotate vault keys after ${name}`} onClose={running ? () => {} : onClose} wide>
      {outcomes === null ? (
        <div class="stack">
          <p>
            Each vault you tick gets a new key. On this PC every entry in it is opened and encrypted again
            with the new key, and the key is given again to the remaining members whose keys this PC can
            verify. {name} does not get it. Passwords {name} already saw are not changed by this: you get the
            list of those afterwards.
          </p>
          <FormError message={loadError} />
          {vaults && vaults.length === 0 && <p class="muted">This PC holds no vault.</p>}
          {vaults && vaults.length > 0 && (
            <fieldset>
              <legend>Vaults</legend>
              {vaults.map((v) => (
                <label key={v.id} class="row">
                  <input
                    type="checkbox"
                    checked={chosen.has(v.id)}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if (e.currentTarget.checked) next.add(v.id);
                      else next.delete(v.id);
                      setChosen(next);
                    }}
                  />
                  {v.name} <span class="muted small">({v.entryCount} entries)</span>
                </label>
              ))}
            </fieldset>
          )}
          <div class="modal-actions">
            <button type="button" class="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="button" class="btn btn-danger" disabled={total === 0} onClick={() => void rotate()}>
              Rotate {total === 1 ? '1 vault' : `${total} vaults`}
            </button>
          </div>
        </div>
      ) : (
        <div class="stack">
          {running && (
            <>
              <div
                class="progress"
                role="progressbar"
                aria-valuemin={0}
                aria-valuemax={total}
                aria-valuenow={outcomes.length}
                aria-label="Vaults rotated"
              >
                <div class="progress-bar" style={{ width: `${(outcomes.length / total) * 100}%` }} />
              </div>
              <p aria-live="polite">
                Re-encrypting {running.name} ({outcomes.length + 1} of {total})… Keep Keyroom open.
              </p>
            </>
          )}
          {outcomes.map((o) => (
            <VaultOutcome key={o.vault.id} outcome={o} leaver={name} />
          ))}
          {finished && (
            <div class="modal-actions">
              <button type="button" class="btn btn-primary" onClick={onClose}>
                Done
              </button>
            </div>
          )}
        </div>
      )}
    </Modal>
  );
}
