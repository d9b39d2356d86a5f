import { useState, type FormEvent } from 'react'
import { api } from '../../api/client.ts'
import { ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import { JOBS, type PopulationJob } from './types.ts'

interface ModelSummary {
  name: string
}
const LEVELS = [
  { value: 'system', text: 'Every record (system export)' },
  { value: 'patient', text: 'All patients (Patient export)' },
  { value: 'group', text: 'A group (Group export)' },
] as const

/**
 * Start a population job: `POST /jobs/population`. A refusal (a model without a FHIR feature spec,
 * no FHIR server that exports) shows the problem's title and detail.
 */
export function StartJobForm({ onStarted }: { onStarted: (job: PopulationJob) => void }) {
  const models = useApi(() => api.get<{ models: ModelSummary[] }>('/models'), [])
  const [level, setLevel] = useState<(typeof LEVELS)[number]['value']>('group')
  const [sending, setSending] = useState(false)
  const [result, setResult] = useState<{ started: PopulationJob } | { error: unknown }>()

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault()
    const data = new FormData(e.currentTarget)
    const text = (k: string) => String(data.get(k) ?? '').trim()
    setSending(true)
    setResult(undefined)
    try {
      const job = await api.post<PopulationJob>(JOBS, {
        model: text('model'),
        level,
        ...(level === 'group' ? { group: text('group') } : {}),
        // datetime-local is the browser's local time: sent as the instant it names.
        ...(text('indexTime') ? { indexTime: new Date(text('indexTime')).toISOString() } : {}),
        ...(text('shardSize') ? { shardSize: Number(text('shardSize')) } : {}),
      })
      setResult({ started: job })
      onStarted(job)
    } catch (error) {
      setResult({ error })
    } finally {
      setSending(false)
    }
  }

  if (models.loading && !models.data) return <Loading label="Loading models…" />
  if (models.error) return <ErrorState error={models.error} />
  return (
    <>
      <form className="inline jobs-start" onSubmit={submit} aria-label="Start a population job">
        <label>
          Model
          <select name="model" required defaultValue={models.data?.models.find((m) => m.name === 'readmission-fhir')?.name}>
            {models.data?.models.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Patients to score
          <select name="level" value={level} onChange={(e) => setLevel(e.target.value as typeof level)}>
            {LEVELS.map((l) => (
              <option key={l.value} value={l.value}>
                {l.text}
              </option>
            ))}
          </select>
        </label>
        {level === 'group' ? (
          <label>
            Group id
            <input name="group" required defaultValue="all" maxLength={64} autoComplete="off" />
          </label>
        ) : null}
        <label>
          Index time (optional)
          <input name="indexTime" type="datetime-local" aria-describedby="jobs-index-hint" />
        </label>
        <label>
          Shard size (optional)
          <input name="shardSize" type="number" min={1} max={1000} step={1} placeholder="250" />
        </label>
        <div className="actions">
          <button type="submit" disabled={sending}>
            {sending ? 'Starting…' : 'Start job'}
          </button>
        </div>
      </form>
      <p id="jobs-index-hint" className="muted">
        Every patient is scored as of the index time (now when empty), from a Bulk Data export of the FHIR server.
      </p>
      <div aria-live="polite">
        {result && 'started' in result ? (
          <p className="state ok" role="status">
            Started {result.started.model}@{result.started.version} (job <code>{result.started.id}</code>).
          </p>
        ) : null}
      </div>
      {result && 'error' in result ? <ErrorState error={result.error} /> : null}
    </>
  )
}
