import { useEffect, useId, useState } from 'preact/hooks';
import { AUDIT_ACTIONS } from '../../shared/audit-actions';
import type { AuditEvent, Member } from '../../shared/domain';
import { call, errorMessage } from '../api';
import { Icon } from '../components/Icon';
import { type AuditFilterForm, actionLabel, EMPTY_AUDIT_FORM, toAuditFilter } from '../state/audit-filter';
import { auditDetailsText } from '../state/audit-words';
import { dateTime } from '../state/format';
import { useStore, useToast } from '../state/store';

const PAGE = 100;

function Select(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: [string, string][];
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        class="input"
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        <option value="">All</option>
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

function DateInput(props: { label: string; value: string; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        type="date"
        class="input"
        value={props.value}
        onInput={(e) => props.onChange(e.currentTarget.value)}
      />
    </div>
  );
}

function download(filename: string, csv: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function AdminAudit() {
  const { state } = useStore();
  const toast = useToast();
  const [form, setForm] = useState<AuditFilterForm>(EMPTY_AUDIT_FORM);
  const [members, setMembers] = useState<Member[]>([]);
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [nextBefore, setNextBefore] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<AuditFilterForm>) => setForm({ ...form, ...patch });

  useEffect(() => {
    call('admin.members', {}).then(
      (r) => setMembers(r.members),
      () => {},
    );
  }, []);

  useEffect(() => {
    let cancelled = false;
    call('admin.audit', { filter: toAuditFilter(form), limit: PAGE }).then(
      (r) => {
        if (cancelled) return;
        setEvents(r.events);
        setNextBefore(r.nextBefore);
      },
      (err) => toast('error', errorMessage(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [form, state.revision]);

  async function more() {
    if (!nextBefore) return;
    try {
      const r = await call('admin.audit', { filter: toAuditFilter(form), limit: PAGE, before: nextBefore });
      setEvents([...(events ?? []), ...r.events]);
      setNextBefore(r.nextBefore);
    } catch (err) {
      toast('error', errorMessage(err));
    }
  }

  async function exportCsv() {
    setBusy(true);
    try {
      const r = await call('admin.auditExport', { filter: toAuditFilter(form) });
      download(r.filename, r.csv);
      toast('success', `Exported ${r.rows} events to ${r.filename}.`);
    } catch (err) {
      toast('error', errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const entryOptions: [string, string][] = state.entries.map((e) => [e.id, e.title]);
  return (
    <main class="page" aria-labelledby="audit-title">
      <header class="page-header row">
        <div>
          <h1 id="audit-title">Audit log</h1>
          <p class="muted">Every change, reveal and copy, in a tamper-evident chain.</p>
        </div>
        <button type="button" class="btn" onClick={exportCsv} disabled={busy}>
          <Icon name="download" /> Export CSV
        </button>
      </header>
      <form class="filters card" onSubmit={(e) => e.preventDefault()} aria-label="Filter the audit log">
        <Select
          label="Person"
          value={form.actorId}
          onChange={(actorId) => set({ actorId })}
          options={members.map((m) => [m.id, m.displayName || m.email])}
        />
        <Select
          label="Entry"
          value={form.entryId}
          onChange={(entryId) => set({ entryId })}
          options={entryOptions}
        />
        <Select
          label="Action"
          value={form.action}
          onChange={(action) => set({ action })}
          options={AUDIT_ACTIONS.map((a) => [a, actionLabel(a)])}
        />
        <DateInput label="From" value={form.fromDate} onChange={(fromDate) => set({ fromDate })} />
        <DateInput label="To" value={form.toDate} onChange={(toDate) => set({ toDate })} />
        <button type="button" class="btn btn-ghost" onClick={() => setForm(EMPTY_AUDIT_FORM)}>
          Clear
        </button>
      </form>
      <table class="table card audit-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Entry / person</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {events?.map((e) => (
            <tr key={e.id}>
              <td class="nowrap">{dateTime(e.at)}</td>
              <td>{e.actorEmail}</td>
              <td>
                <span class={`action action-${e.action.split('.')[0]}`}>{actionLabel(e.action)}</span>
              </td>
              <td>{e.entryTitle ?? e.targetEmail ?? ''}</td>
              <td class="muted small audit-details">{auditDetailsText(e.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {events?.length === 0 && <p class="muted center">No events match these filters.</p>}
      {nextBefore && (
        <div class="center">
          <button type="button" class="btn" onClick={more}>
            Load older events
          </button>
        </div>
      )}
    </main>
  );
}
