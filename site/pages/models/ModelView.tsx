import { useState } from 'react'
import { api } from '../../api/client.ts'
import type { Session } from '../../session.ts'
import { Empty, ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import { formatDate, modelPath, StageBadge, type ModelSummary } from './types.tsx'
import { Lifecycle } from './Lifecycle.tsx'
import { VersionDetail } from './VersionDetail.tsx'

/** A model: its versions (stage, aliases) and the selected version in detail. */
export function ModelView({ session, name, version }: { session: Session; name: string; version?: string }) {
  const { data, error, loading } = useApi(() => api.get<ModelSummary>(modelPath(name)), [name])
  const [updated, setUpdated] = useState<ModelSummary>()
  const model = updated?.name === name ? updated : data
  const back = (
    <p>
      <a href="#/models">← All models</a>
    </p>
  )
  if (loading && !model)
    return (
      <>
        <h1>{name}</h1>
        {back}
        <Loading label="Loading the model…" />
      </>
    )
  if (error || !model)
    return (
      <>
        <h1>{name}</h1>
        {back}
        <ErrorState error={error} />
      </>
    )
  const selected = version ?? model.aliases.production ?? model.aliases.latest ?? model.versions.at(-1)?.version
  const entry = model.versions.find((v) => v.version === selected)
  const aliasesOf = (v: string) => (['production', 'staging', 'latest'] as const).filter((a) => model.aliases[a] === v)
  return (
    <>
      <h1>{name}</h1>
      {back}
      <section aria-labelledby="versions-h">
        <h2 id="versions-h">Versions</h2>
        <div className="table-wrap" tabIndex={0} role="region" aria-label={`${name} versions`}>
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Stage</th>
                <th scope="col">Aliases</th>
                <th scope="col">Kind</th>
                <th scope="col">Registered</th>
              </tr>
            </thead>
            <tbody>
              {model.versions.map((v) => (
                <tr key={v.version} className={v.version === selected ? 'selected' : undefined}>
                  <th scope="row">
                    <a
                      href={`#/models/${encodeURIComponent(name)}/${encodeURIComponent(v.version)}`}
                      aria-current={v.version === selected ? 'true' : undefined}
                    >
                      {v.version}
                    </a>
                  </th>
                  <td>
                    <StageBadge stage={v.stage} />
                  </td>
                  <td>{aliasesOf(v.version).join(', ') || '—'}</td>
                  <td>{v.kind}</td>
                  <td>{formatDate(v.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {entry ? (
        <>
          <VersionDetail key={entry.version} session={session} name={name} version={entry.version} stage={entry.stage} onChanged={setUpdated} />
          <Lifecycle key={`lifecycle-${entry.version}`} session={session} name={name} version={entry.version} />
        </>
      ) : (
        <Empty>{selected ? `${name} has no version ${selected}.` : `${name} has no versions.`}</Empty>
      )}
    </>
  )
}
