import { useId, useState, type FormEvent } from 'react'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { picked, searchPatients, type PatientSummary } from './api.ts'

interface Query {
  name: string
  birthdate: string
}
type Result = { query: Query; patients: PatientSummary[]; more: boolean }

/** The last search, in memory only, so "back" from a patient shows the same list. */
let last: Result | undefined

/** Find a patient on the configured FHIR server by name and/or birth date. */
export function PatientSearch({ navigate }: { navigate(to: string): void }) {
  const [query, setQuery] = useState<Query>(last?.query ?? { name: '', birthdate: '' })
  const [result, setResult] = useState<Result | undefined>(last)
  const [error, setError] = useState<unknown>()
  const [busy, setBusy] = useState(false)
  const [hint, setHint] = useState<string>()
  const hintId = useId()

  async function submit(event: FormEvent) {
    event.preventDefault()
    const name = query.name.trim()
    if (!name && !query.birthdate) {
      setHint('Enter a name or a birth date.')
      return
    }
    setHint(undefined)
    setError(undefined)
    setBusy(true)
    try {
      const found = await searchPatients({ name: name || undefined, birthdate: query.birthdate || undefined })
      last = { query, ...found }
      setResult(last)
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  const open = (p: PatientSummary) => {
    picked.set(p.id, p)
    navigate(`patients/${encodeURIComponent(p.id)}`)
  }

  return (
    <>
      <h1>Patients</h1>
      <form className="inline patient-search" role="search" aria-label="Patients" onSubmit={submit} noValidate>
        <label>
          Name
          <input
            type="search"
            name="name"
            value={query.name}
            maxLength={100}
            autoComplete="off"
            aria-describedby={hint ? hintId : undefined}
            onChange={(e) => setQuery({ ...query, name: e.target.value })}
          />
        </label>
        <label>
          Birth date
          <input
            type="date"
            name="birthdate"
            value={query.birthdate}
            aria-describedby={hint ? hintId : undefined}
            onChange={(e) => setQuery({ ...query, birthdate: e.target.value })}
          />
        </label>
        <button type="submit" disabled={busy}>
          Search
        </button>
      </form>
      {hint ? (
        <p id={hintId} className="state error" role="alert">
          {hint}
        </p>
      ) : null}
      {busy ? (
        <Loading label="Searching the FHIR server…" />
      ) : error ? (
        <ErrorState error={error} />
      ) : !result ? (
        <Empty>Search the EHR's FHIR server by name (any part, from its start) or birth date, then open a patient to see their risk.</Empty>
      ) : result.patients.length === 0 ? (
        <Empty>No patient matches this search.</Empty>
      ) : (
        <Results result={result} open={open} />
      )}
    </>
  )
}

function Results({ result, open }: { result: Result; open(p: PatientSummary): void }) {
  return (
    <section aria-labelledby="patient-results">
      <h2 id="patient-results">
        {result.patients.length} {result.patients.length === 1 ? 'patient' : 'patients'}
        {result.more ? ' (more match: refine the search)' : ''}
      </h2>
      <div className="table-wrap" role="region" aria-label="Search results" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Birth date</th>
              <th scope="col">Gender</th>
              <th scope="col">Id</th>
            </tr>
          </thead>
          <tbody>
            {result.patients.map((p) => (
              <tr key={p.id}>
                <td>
                  <a
                    href={`#/patients/${encodeURIComponent(p.id)}`}
                    onClick={(e) => {
                      e.preventDefault()
                      open(p)
                    }}
                  >
                    {p.name ?? 'Unnamed patient'}
                  </a>
                </td>
                <td>{p.birthDate ?? '—'}</td>
                <td>{p.gender ?? '—'}</td>
                <td>
                  <code>{p.id}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}
