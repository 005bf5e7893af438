import { useEffect, useId, useState } from 'preact/hooks';
import { call, errorMessage } from '../api';
import {
  DEFAULT_GENERATOR,
  estimateStrength,
  type GeneratorOptions,
  generatePassword,
  MAX_LENGTH,
  MIN_LENGTH,
} from '../state/generator';
import { Icon } from './Icon';
import { StrengthMeter } from './StrengthMeter';

interface WordOptions {
  words: number;
  capitalize: boolean;
  withDigit: boolean;
  separator: '-' | ' ' | '.' | '_';
}
const DEFAULT_WORDS: WordOptions = { words: 5, capitalize: false, withDigit: false, separator: '-' };

// The generator panel under the password field: random characters (length, character classes) or a
// passphrase of words from the core's list (how many words, capitals, a digit), each with its strength.
export function Generator({ onUse }: { onUse: (password: string) => void }) {
  const [mode, setMode] = useState<'characters' | 'words'>('characters');
  const [options, setOptions] = useState<GeneratorOptions>(DEFAULT_GENERATOR);
  const [words, setWords] = useState<WordOptions>(DEFAULT_WORDS);
  const [value, setValue] = useState(() => generatePassword(DEFAULT_GENERATOR));
  const [bits, setBits] = useState<number | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const lengthId = useId();
  const wordsId = useId();

  const passphrase = (w: WordOptions) =>
    call('generator.passphrase', w).then(
      (r) => {
        setValue(r.passphrase);
        setBits(r.bits);
        setError(null);
      },
      (err) => setError(errorMessage(err)),
    );
  const regenerate = () => {
    if (mode === 'words') return void passphrase(words);
    setValue(generatePassword(options));
    setBits(undefined);
  };
  useEffect(regenerate, [mode, options, words]);

  const box = (key: 'lower' | 'upper' | 'digits' | 'symbols' | 'avoidAmbiguous', label: string) => (
    <label class="check">
      <input
        type="checkbox"
        checked={options[key]}
        onChange={(e) => setOptions({ ...options, [key]: e.currentTarget.checked })}
      />
      {label}
    </label>
  );
  const wordBox = (key: 'capitalize' | 'withDigit', label: string) => (
    <label class="check">
      <input
        type="checkbox"
        checked={words[key]}
        onChange={(e) => setWords({ ...words, [key]: e.currentTarget.checked })}
      />
      {label}
    </label>
  );
  return (
    <fieldset class="generator">
      <legend class="sr-only">Password generator</legend>
      <fieldset class="segmented">
        <legend class="sr-only">Kind of password</legend>
        {(['characters', 'words'] as const).map((m) => (
          <label key={m} class={mode === m ? 'active' : ''}>
            <input type="radio" name="generator-mode" checked={mode === m} onChange={() => setMode(m)} />
            {m === 'characters' ? 'Random characters' : 'Passphrase (words)'}
          </label>
        ))}
      </fieldset>
      <div class="generator-value mono" aria-live="polite">
        {value}
      </div>
      <StrengthMeter password={value} bits={bits ?? estimateStrength(value).bits} />
      {error && <p class="field-error">{error}</p>}
      {mode === 'characters' ? (
        <>
          <div class="generator-row">
            <label for={lengthId}>Length {options.length}</label>
            <input
              id={lengthId}
              type="range"
              min={MIN_LENGTH}
              max={Math.min(MAX_LENGTH, 64)}
              value={options.length}
              onInput={(e) => setOptions({ ...options, length: Number(e.currentTarget.value) })}
            />
          </div>
          <div class="generator-row checks">
            {box('lower', 'a-z')}
            {box('upper', 'A-Z')}
            {box('digits', '0-9')}
            {box('symbols', '!#$')}
            {box('avoidAmbiguous', 'No look-alikes')}
          </div>
        </>
      ) : (
        <>
          <div class="generator-row">
            <label for={wordsId}>Words {words.words}</label>
            <input
              id={wordsId}
              type="range"
              min={3}
              max={12}
              value={words.words}
              onInput={(e) => setWords({ ...words, words: Number(e.currentTarget.value) })}
            />
          </div>
          <div class="generator-row checks">
            {wordBox('capitalize', 'Capitals')}
            {wordBox('withDigit', 'Add a digit')}
            <label class="check">
              Between words
              <select
                class="input"
                value={words.separator}
                onChange={(e) =>
                  setWords({ ...words, separator: e.currentTarget.value as WordOptions['separator'] })
                }
              >
                <option value="-">-</option>
                <option value=" ">space</option>
                <option value=".">.</option>
                <option value="_">_</option>
              </select>
            </label>
          </div>
        </>
      )}
      <div class="generator-row">
        <button type="button" class="btn" onClick={regenerate}>
          <Icon name="refresh" /> Regenerate
        </button>
        <button type="button" class="btn btn-primary" onClick={() => onUse(value)}>
          Use this password
        </button>
      </div>
    </fieldset>
  );
}
