// A new file passphrase typed twice, with the strength meter and the mismatch said next to the second field: the
// backup made now and the automatic daily backup ask for it the same way.
import type { ComponentChildren } from 'preact';
import { StrengthMeter } from './StrengthMeter';

export function PassphraseTwice(props: {
  /** Prefix of the two fields' ids (unique on the page). */
  id: string;
  passphrase: string;
  again: string;
  busy: boolean;
  onPassphrase: (value: string) => void;
  onAgain: (value: string) => void;
  hint?: ComponentChildren;
}) {
  const differ = props.again.length > 0 && props.again !== props.passphrase;
  const differId = `${props.id}-differ`;
  return (
    <>
      <div class="field">
        <label for={props.id}>Backup passphrase</label>
        <input
          id={props.id}
          type="password"
          class="input"
          autoComplete="new-password"
          value={props.passphrase}
          disabled={props.busy}
          onInput={(e) => props.onPassphrase(e.currentTarget.value)}
        />
        <StrengthMeter password={props.passphrase} />
        {props.hint && <p class="field-hint">{props.hint}</p>}
      </div>
      <div class="field">
        <label for={`${props.id}-again`}>Passphrase again</label>
        <input
          id={`${props.id}-again`}
          type="password"
          class="input"
          autoComplete="new-password"
          value={props.again}
          disabled={props.busy}
          aria-describedby={differ ? differId : undefined}
          onInput={(e) => props.onAgain(e.currentTarget.value)}
        />
        {differ && (
          <p id={differId} class="field-error">
            The two passphrases differ.
          </p>
        )}
      </div>
    </>
  );
}
