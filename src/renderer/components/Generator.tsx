import { useId, useState } from 'preact/hooks';
import {
  DEFAULT_GENERATOR,
  type GeneratorOptions,
  generatePassword,
  MAX_LENGTH,
  MIN_LENGTH,
} from '../state/generator';
import { Icon } from './Icon';

// The generator panel under the password field: length slider, character classes, regenerate, use.
export function Generator({ onUse }: { onUse: (password: string) => void }) {
  const [options, setOptions] = useState<GeneratorOptions>(DEFAULT_GENERATOR);
  const [value, setValue] = useState(() => generatePassword(DEFAULT_GENERATOR));
  const lengthId = useId();
  const update = (next: GeneratorOptions) => {
    setOptions(next);
    setValue(generatePassword(next));
  };
  const box = (key: 'lower' | 'upper' | 'digits' | 'symbols' | 'avoidAmbiguous', label: string) => (
    <label class="check">
      <input
        type="checkbox"
        checked={options[key]}
        onChange={(e) => update({ ...options, [key]: e.currentTarget.checked })}
      />
      {label}
    </label>
  );
  return (
    <fieldset class="generator">
      <legend class="sr-only">Password generator</legend>
      <div class="generator-value mono" aria-live="polite">
        {value}
      </div>
      <div class="generator-row">
        <label for={lengthId}>Length {options.length}</label>
        <input
          id={lengthId}
          type="range"
          min={MIN_LENGTH}
          max={Math.min(MAX_LENGTH, 64)}
          value={options.length}
          onInput={(e) => update({ ...options, length: Number(e.currentTarget.value) })}
        />
      </div>
      <div class="generator-row checks">
        {box('lower', 'a-z')}
        {box('upper', 'A-Z')}
        {box('digits', '0-9')}
        {box('symbols', '!#$')}
        {box('avoidAmbiguous', 'No look-alikes')}
      </div>
      <div class="generator-row">
        <button type="button" class="btn" onClick={() => setValue(generatePassword(options))}>
          <Icon name="refresh" /> Regenerate
        </button>
        <button type="button" class="btn btn-primary" onClick={() => onUse(value)}>
          Use this password
        </button>
      </div>
    </fieldset>
  );
}
