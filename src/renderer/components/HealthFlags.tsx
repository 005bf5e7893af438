// The password-health flags of one entry, as small labelled badges (worked out in the main process: the renderer
// only ever gets the flag names).
import type { HealthFlagName } from '../../shared/upkeep';

const WORDS: Record<HealthFlagName, { label: string; hint: string }> = {
  weak: { label: 'weak', hint: 'Weak password: easy to guess. Change it to a generated one.' },
  reused: { label: 'reused', hint: 'Reused password: another entry has the same one.' },
  old: { label: 'old', hint: 'Old password: not changed for longer than the office’s limit.' },
};

export function HealthFlags({ flags }: { flags: readonly HealthFlagName[] | undefined }) {
  if (!flags || flags.length === 0) return null;
  return (
    <>
      {flags.map((f) => (
        <span key={f} class={`badge badge-health badge-${f}`} title={WORDS[f].hint}>
          {WORDS[f].label}
          <span class="sr-only"> password</span>
        </span>
      ))}
    </>
  );
}

export function flagHint(flag: HealthFlagName): string {
  return WORDS[flag].hint;
}
