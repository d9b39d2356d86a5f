import { useId, useRef, useState, type FormEvent } from 'react'
import { ErrorState } from '../../ui/states.tsx'
import { reportAdverseEvent, SEVERITIES, type ApplicableModel, type Severity } from './api.ts'

const TYPES = [
  ['incorrect-risk', 'Risk estimate looked wrong'],
  ['missed-deterioration', 'Missed deterioration'],
  ['unnecessary-intervention', 'Unnecessary intervention'],
  ['delayed-care', 'Delayed care'],
  ['other', 'Other'],
] as const

/** "Report adverse event": a small form linked to this model version, patient and prediction. */
export function AdverseEventReport({ patientId, model, predictionId }: { patientId: string; model: ApplicableModel; predictionId: string }) {
  const [open, setOpen] = useState(false)
  const [recorded, setRecorded] = useState<string>()
  const formId = useId()
  const toggle = useRef<HTMLButtonElement>(null)
  return (
    <div className="adverse">
      <button
        ref={toggle}
        type="button"
        className="secondary"
        aria-expanded={open}
        aria-controls={formId}
        onClick={() => {
          setOpen(!open)
          setRecorded(undefined)
        }}
      >
        Report adverse event
      </button>
      <div aria-live="polite" className="action-result">
        {recorded ? (
          <p className="state ok" role="status">
            Adverse event <code>{recorded}</code> recorded.
          </p>
        ) : null}
      </div>
      {open ? (
        <AdverseEventForm
          id={formId}
          patientId={patientId}
          model={model}
          predictionId={predictionId}
          onDone={(id) => {
            setRecorded(id)
            setOpen(false)
            toggle.current?.focus()
          }}
          onCancel={() => {
            setOpen(false)
            toggle.current?.focus()
          }}
        />
      ) : null}
    </div>
  )
}

function AdverseEventForm({
  id,
  patientId,
  model,
  predictionId,
  onDone,
  onCancel,
}: {
  id: string
  patientId: string
  model: ApplicableModel
  predictionId: string
  onDone(id: string): void
  onCancel(): void
}) {
  const [type, setType] = useState<string>(TYPES[0][0])
  const [severity, setSeverity] = useState<Severity>('moderate')
  const [description, setDescription] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>()
  const [missing, setMissing] = useState(false)
  const field = useId()

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (!description.trim()) {
      setMissing(true)
      return
    }
    setMissing(false)
    setBusy(true)
    setError(undefined)
    try {
      const created = await reportAdverseEvent({
        type,
        severity,
        description: description.trim(),
        model: model.name,
        version: model.version,
        patientRef: `Patient/${patientId}`,
        predictionId,
      })
      onDone(created.id)
    } catch (e) {
      setError(e)
      setBusy(false)
    }
  }

  return (
    <form id={id} className="card adverse-form" aria-label="Report adverse event" onSubmit={submit} noValidate>
      <p className="muted">
        Linked to{' '}
        <code>
          {model.name}@{model.version}
        </code>
        , <code>Patient/{patientId}</code> and this prediction. Describe what happened without names or other identifiers.
      </p>
      <label>
        Type
        <select value={type} onChange={(e) => setType(e.target.value)}>
          {TYPES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Severity
        <select value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
          {SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className="wide">
        Description
        <textarea
          value={description}
          required
          maxLength={10_000}
          aria-invalid={missing || undefined}
          aria-describedby={missing ? `${field}-missing` : undefined}
          onChange={(e) => setDescription(e.target.value)}
        />
      </label>
      {missing ? (
        <p id={`${field}-missing`} className="state error" role="alert">
          Describe the event.
        </p>
      ) : null}
      {error ? <ErrorState error={error} /> : null}
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Sending…' : 'Submit report'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
