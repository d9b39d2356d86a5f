import { api } from '../../api/client.ts'
import { ErrorState, Loading } from '../../ui/states.tsx'
import { useApi } from '../../ui/use-api.ts'
import { AttributeValue, type SourceAttributeEntry } from './AttributeValue.tsx'
import { modelPath } from './types.tsx'

/** `GET /models/{name}/source-attributes` (core/registry/source-attributes-report.ts). */
export interface SourceAttributesReport {
  model: { name: string; version: string }
  rule: string
  complete: boolean
  counts: { provided: number; notAvailable: number; missing: number }
  missing: string[]
  groups: { id: string; paragraph: string; title: string; attributes: SourceAttributeEntry[] }[]
}

/** The version's ONC HTI-1 source attributes, fetched from the API. */
export function SourceAttributes({ name, version }: { name: string; version: string }) {
  const { data, error, loading } = useApi(() => api.get<SourceAttributesReport>(`${modelPath(name)}/source-attributes`, { version }), [name, version])
  if (loading && !data) return <Loading label="Loading the source attributes…" />
  if (error || !data) return <ErrorState error={error} />
  return <SourceAttributesView report={data} />
}

/**
 * The 31 attributes in the rule's nine groups, each group a disclosure (open when something in
 * it is missing), each missing attribute flagged in words, not by colour alone.
 */
export function SourceAttributesView({ report }: { report: SourceAttributesReport }) {
  const { counts } = report
  return (
    <div className="source-attributes">
      <p className={report.complete ? 'state ok' : 'state error'}>
        {report.complete
          ? `All 31 source attributes are given: ${counts.provided} provided, ${counts.notAvailable} not available.`
          : `${counts.missing} of 31 source attributes are missing (${counts.provided} provided, ${counts.notAvailable} not available). ` +
            'A version serves patients in production only with all 31.'}{' '}
        <span className="muted">({report.rule})</span>
      </p>
      {report.groups.map((g, n) => {
        const missing = g.attributes.filter((a) => a.status === 'missing').length
        const notAvailable = g.attributes.filter((a) => a.status === 'not-available').length
        return (
          <details key={g.id} className="sa-group" open={missing > 0}>
            <summary>
              <h4>
                ({n + 1}) {g.title}
              </h4>{' '}
              {missing > 0 ? (
                <span className="badge critical">{missing} missing</span>
              ) : (
                // "Answered", not "complete": four "not available" answers say no external validation was done.
                <span className="badge ok">{notAvailable > 0 ? `Answered (${notAvailable} not available)` : 'Answered'}</span>
              )}
            </summary>
            <dl>
              {g.attributes.map((a) => (
                <div key={a.key} className={`sa-attribute ${a.status}`} data-key={a.key}>
                  <dt>
                    {a.title} <span className="muted">{a.paragraph.slice(report.rule.length)}</span>
                    {a.status === 'missing' ? <span className="badge critical">Missing</span> : null}
                  </dt>
                  <dd>
                    <AttributeValue entry={a} />
                  </dd>
                </div>
              ))}
            </dl>
          </details>
        )
      })}
    </div>
  )
}
