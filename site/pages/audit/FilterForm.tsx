import { useState, type FormEvent } from 'react'
import { NO_FILTERS, type Filters } from './types.ts'

/** Actions Nexora records, offered as suggestions (any action can still be typed). */
const ACTIONS = [
  'access',
  'predict.request',
  'predict.response',
  'chart.view',
  'phi.detect',
  'deid.apply',
  'fhir.create',
  'load',
  'reject',
  'warn',
  'webhook.delivery',
  'auth.invalid_token',
]

/** The filters, applied on submit (Enter in any field works); Clear resets them. */
export function FilterForm({ value, onApply }: { value: Filters; onApply: (f: Filters) => void }) {
  const [draft, setDraft] = useState(value)
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    onApply(draft)
  }
  return (
    <form className="inline audit-filters" onSubmit={submit} aria-label="Filter audit events">
      <label>
        User
        <input name="actor" value={draft.actor} onChange={set('actor')} autoComplete="off" />
      </label>
      <label>
        Patient
        <input name="patient" value={draft.patient} onChange={set('patient')} placeholder="Patient/123" autoComplete="off" />
      </label>
      <label>
        Action
        <input name="action" value={draft.action} onChange={set('action')} list="audit-actions" autoComplete="off" />
      </label>
      <datalist id="audit-actions">
        {ACTIONS.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      <label>
        Model
        <input name="model" value={draft.model} onChange={set('model')} autoComplete="off" />
      </label>
      <label>
        Outcome
        <select name="outcome" value={draft.outcome} onChange={set('outcome')}>
          <option value="">Any</option>
          <option value="success">Success</option>
          <option value="failure">Failure</option>
          <option value="denied">Denied</option>
        </select>
      </label>
      <label>
        From
        <input type="date" name="from" value={draft.from} onChange={set('from')} />
      </label>
      <label>
        To
        <input type="date" name="to" value={draft.to} onChange={set('to')} />
      </label>
      <div className="actions">
        <button type="submit">Apply filters</button>
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setDraft(NO_FILTERS)
            onApply(NO_FILTERS)
          }}
        >
          Clear
        </button>
      </div>
    </form>
  )
}
