import { api } from '../../api/client.ts'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import { StageBadge, type ModelSummary } from './types.tsx'

/** Every registered model with its versions' stages and aliases. */
export function ModelList() {
  const { data, error, loading } = useApi(() => api.get<{ models: ModelSummary[] }>('/models'), [])
  return (
    <>
      <h1>Model registry</h1>
      {loading ? (
        <Loading label="Loading models…" />
      ) : error ? (
        <ErrorState error={error} />
      ) : !data?.models.length ? (
        <Empty>No models are registered.</Empty>
      ) : (
        <ul className="grid model-list">
          {data.models.map((m) => (
            <li key={m.name} className="card">
              <h2>
                <a href={`#/models/${encodeURIComponent(m.name)}`}>{m.name}</a>
              </h2>
              <p className="muted">
                {[...new Set(m.versions.map((v) => v.kind))].join(', ')} · {m.versions.length} {m.versions.length === 1 ? 'version' : 'versions'}
              </p>
              <dl className="aliases">
                {(['production', 'staging', 'latest'] as const).map((a) => (
                  <div key={a}>
                    <dt>{a[0]!.toUpperCase() + a.slice(1)}</dt>
                    <dd>{m.aliases[a] ?? '—'}</dd>
                  </div>
                ))}
              </dl>
              <ul className="versions-inline" aria-label={`${m.name} versions`}>
                {m.versions.map((v) => (
                  <li key={v.version}>
                    <a href={`#/models/${encodeURIComponent(m.name)}/${encodeURIComponent(v.version)}`}>{v.version}</a> <StageBadge stage={v.stage} />
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </>
  )
}
