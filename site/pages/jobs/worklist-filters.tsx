import { useState, type FormEvent } from 'react'
import { NO_FILTERS, type WorklistFilters } from './types.ts'

/** Minimum risk, label and status, applied on submit (Enter works in any field); Clear resets them. */
export function WorklistFilterForm({ value, onApply, labels }: { value: WorklistFilters; onApply: (f: WorklistFilters) => void; labels: string[] }) {
  const [draft, setDraft] = useState(value)
  const set = (k: keyof WorklistFilters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    onApply(draft)
  }
  return (
    <form className="inline jobs-filters" onSubmit={submit} aria-label="Filter the worklist">
      <label>
        Minimum risk (%)
        <input name="minScore" type="number" min={0} max={100} step="any" value={draft.minPercent} onChange={set('minPercent')} />
      </label>
      <label>
        Label
        <input name="label" value={draft.label} onChange={set('label')} list="jobs-labels" maxLength={64} autoComplete="off" />
      </label>
      <datalist id="jobs-labels">
        {labels.map((l) => (
          <option key={l} value={l} />
        ))}
      </datalist>
      <label>
        Status
        <select name="status" value={draft.status} onChange={set('status')}>
          <option value="">Any</option>
          <option value="scored">Scored</option>
          <option value="skipped">Skipped</option>
          <option value="failed">Failed</option>
        </select>
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
