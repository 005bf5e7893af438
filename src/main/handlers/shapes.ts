// The few places where the contract's shapes and the core's differ: custom fields are {label, value} in the
// contract and {name, value, hidden} in the core (this UI writes no hidden fields), the TOTP secret is
// `totpSecret` / `totp`, "keep the current password or TOTP secret" is null in the contract and an absent key
// in the core, and the core's locked state carries no display name.
import type {
  EntryDetail as CoreDetail,
  EntryInput as CoreInput,
  SessionState as CoreSession,
  EntryUpdate,
} from '../../core';
import type { EntryDetail, EntryInput, SessionState } from '../../shared/domain';

const toCoreFields = (input: EntryInput) =>
  input.customFields.map((f) => ({ name: f.label, value: f.value, hidden: false }));

export function toCoreInput(input: EntryInput): CoreInput {
  return {
    title: input.title,
    username: input.username,
    password: input.password ?? '',
    url: input.url,
    category: input.category,
    notes: input.notes,
    totp: input.totpSecret ?? '',
    fields: toCoreFields(input),
  };
}

export function toCoreUpdate(input: EntryInput): EntryUpdate {
  return {
    title: input.title,
    username: input.username,
    url: input.url,
    category: input.category,
    notes: input.notes,
    ...(input.password === null ? {} : { password: input.password }),
    ...(input.totpSecret === null ? {} : { totp: input.totpSecret }),
    fields: toCoreFields(input),
  };
}

export function toDetail(detail: CoreDetail): EntryDetail {
  const { fields, ...rest } = detail;
  return { ...rest, customFields: fields.map((f) => ({ label: f.name, value: f.value ?? '' })) };
}

export function toSession(state: CoreSession): SessionState {
  if (state.state === 'locked')
    return {
      state: 'locked',
      email: state.email,
      displayName: '',
      ...(state.notice ? { notice: state.notice } : {}),
    };
  return state;
}
