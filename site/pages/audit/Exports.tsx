import { useRef, useState } from 'react'
import { api, type Query } from '../../api/client.ts'
import { ErrorState, Progress } from '../../ui/states.tsx'
import { download } from '../../ui/download.ts'
import { eventsToCsv, stamp } from './csv.ts'
import { fetchAllEvents, withRetry } from './types.ts'

interface FhirBundle {
  resourceType: 'Bundle'
  type: string
  link?: { relation: string; url: string }[]
  entry?: unknown[]
  total?: number
}

/**
 * Export every event matching the filters: CSV (built here from the JSON pages) or one FHIR R4
 * Bundle of AuditEvents (`format=fhir`, pages merged). Shows progress; can be cancelled.
 */
export function Exports({ query }: { query: Query }) {
  const [progress, setProgress] = useState<{ label: string }>()
  const [result, setResult] = useState<{ ok: string } | { error: unknown }>()
  const abort = useRef<AbortController>(undefined)

  const run = async (what: 'csv' | 'fhir') => {
    const controller = new AbortController()
    abort.current = controller
    setResult(undefined)
    setProgress({ label: 'Starting the export…' })
    const tell = (events: number, pages: number) =>
      setProgress({ label: `Exporting: ${events.toLocaleString()} events fetched (${pages} ${pages === 1 ? 'page' : 'pages'})…` })
    try {
      if (what === 'csv') {
        let pages = 0
        const events = await fetchAllEvents(
          query,
          (p) => {
            pages = p.pages
            tell(p.events, p.pages)
          },
          controller.signal,
        )
        download(`audit-events-${stamp()}.csv`, 'text/csv;charset=utf-8', eventsToCsv(events))
        setResult({ ok: `Exported ${events.length.toLocaleString()} events as CSV (${pages} ${pages === 1 ? 'page' : 'pages'} fetched).` })
      } else {
        const entries: unknown[] = []
        let after: string | undefined
        for (let pages = 1; ; pages++) {
          if (controller.signal.aborted) throw new DOMException('Cancelled', 'AbortError')
          const bundle = await withRetry(() => api.get<FhirBundle>('/audit/events', { ...query, format: 'fhir', limit: 1000, after }, 'application/fhir+json'))
          entries.push(...(bundle.entry ?? []))
          tell(entries.length, pages)
          const next = bundle.link?.find((l) => l.relation === 'next')?.url
          after = next ? (new URL(next, location.origin).searchParams.get('after') ?? undefined) : undefined
          if (!after || !bundle.entry?.length) break
        }
        const bundle: FhirBundle = { resourceType: 'Bundle', type: 'searchset', total: entries.length, entry: entries }
        download(`audit-events-${stamp()}.fhir.json`, 'application/fhir+json', JSON.stringify(bundle, null, 2))
        setResult({ ok: `Exported ${entries.length.toLocaleString()} AuditEvents as a FHIR Bundle.` })
      }
    } catch (error) {
      setResult(error instanceof DOMException && error.name === 'AbortError' ? { ok: 'Export cancelled.' } : { error })
    } finally {
      setProgress(undefined)
      abort.current = undefined
    }
  }

  return (
    <div className="audit-exports">
      <div className="actions">
        <button type="button" className="secondary" disabled={!!progress} onClick={() => void run('csv')}>
          Export CSV
        </button>
        <button type="button" className="secondary" disabled={!!progress} onClick={() => void run('fhir')}>
          Export FHIR Bundle
        </button>
        {progress ? (
          <button type="button" className="secondary" onClick={() => abort.current?.abort()}>
            Cancel export
          </button>
        ) : null}
      </div>
      {progress ? <Progress label={progress.label} /> : null}
      {result && 'ok' in result ? (
        <p className="state ok" role="status">
          {result.ok}
        </p>
      ) : null}
      {result && 'error' in result ? <ErrorState error={result.error} /> : null}
    </div>
  )
}
