import { describe, expect, it } from 'vitest';
import { type KeyPress, shortcutFor } from './shortcuts';

const press = (over: Partial<KeyPress>): KeyPress => ({
  key: 'a',
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  inTextField: false,
  inSearch: false,
  hasTextSelection: false,
  isMac: false,
  ...over,
});

describe('shortcutFor', () => {
  it('maps the documented Ctrl shortcuts', () => {
    expect(shortcutFor(press({ key: 'f', ctrlKey: true }))).toBe('focusSearch');
    expect(shortcutFor(press({ key: 'c', ctrlKey: true }))).toBe('copyPassword');
    expect(shortcutFor(press({ key: 'b', ctrlKey: true }))).toBe('copyUsername');
    expect(shortcutFor(press({ key: 'L', ctrlKey: true }))).toBe('lock');
    expect(shortcutFor(press({ key: 'n', ctrlKey: true }))).toBe('newEntry');
  });

  it('uses Cmd instead of Ctrl on macOS', () => {
    expect(shortcutFor(press({ key: 'f', metaKey: true, isMac: true }))).toBe('focusSearch');
    expect(shortcutFor(press({ key: 'f', ctrlKey: true, isMac: true }))).toBeNull();
  });

  it('leaves Ctrl+C alone when text is selected or focus is in a form field', () => {
    expect(shortcutFor(press({ key: 'c', ctrlKey: true, hasTextSelection: true }))).toBeNull();
    expect(shortcutFor(press({ key: 'c', ctrlKey: true, inTextField: true }))).toBeNull();
    expect(shortcutFor(press({ key: 'b', ctrlKey: true, inTextField: true }))).toBeNull();
  });

  it('copies from the search box, where there is nothing else to copy', () => {
    expect(shortcutFor(press({ key: 'c', ctrlKey: true, inTextField: true, inSearch: true }))).toBe(
      'copyPassword',
    );
  });

  it('drives the list with arrows and Enter, also from the search box, but not from other fields', () => {
    expect(shortcutFor(press({ key: 'ArrowDown' }))).toBe('selectNext');
    expect(shortcutFor(press({ key: 'ArrowUp', inTextField: true, inSearch: true }))).toBe('selectPrevious');
    expect(shortcutFor(press({ key: 'Enter' }))).toBe('openSelected');
    expect(shortcutFor(press({ key: 'ArrowDown', inTextField: true }))).toBeNull();
    expect(shortcutFor(press({ key: 'Escape', inTextField: true, inSearch: true }))).toBe('clearSearch');
  });

  it('ignores modified variants that are not shortcuts', () => {
    expect(shortcutFor(press({ key: 'c', ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(shortcutFor(press({ key: 'f', ctrlKey: true, altKey: true }))).toBeNull();
    expect(shortcutFor(press({ key: 'ArrowDown', ctrlKey: true }))).toBeNull();
  });
});
