import type { FeatureInput } from './api.ts'
import { featureLabel, featureValue } from './format.ts'

const SHOWN = 3

/** Every input the model was given, its value, and the FHIR resources it was computed from. */
export function FeaturesTable({
  inputs,
  features,
  sources,
  basis,
}: {
  inputs: FeatureInput[]
  features: Record<string, unknown>
  sources?: Record<string, string[]>
  basis: string[]
}) {
  const described = new Map(inputs.map((i) => [i.name, i]))
  const names = [...inputs.map((i) => i.name).filter((n) => n in features), ...Object.keys(features).filter((n) => !described.has(n))]
  return (
    <>
      <div className="table-wrap" role="region" aria-label="Inputs and sources" tabIndex={0}>
        <table className="features">
          <thead>
            <tr>
              <th scope="col">Input</th>
              <th scope="col">Value</th>
              <th scope="col">Source resources</th>
            </tr>
          </thead>
          <tbody>
            {names.map((name) => (
              <tr key={name}>
                <th scope="row">
                  {featureLabel(name)}
                  {described.get(name)?.description ? <span className="feature-desc">{described.get(name)!.description}</span> : null}
                </th>
                <td>{features[name] === null ? <span className="muted">missing</span> : featureValue(features[name])}</td>
                <td>{sources ? <Sources refs={sources[name] ?? []} /> : <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!sources ? (
        <p className="muted">
          Computed from {basis.length} resources: {basis.join(', ') || 'none'}.
        </p>
      ) : null}
    </>
  )
}

function Sources({ refs }: { refs: string[] }) {
  if (refs.length === 0) return <span className="muted">none in the record</span>
  const list = (items: string[]) => (
    <ul className="refs">
      {items.map((r) => (
        <li key={r}>
          <code>{r}</code>
        </li>
      ))}
    </ul>
  )
  if (refs.length <= SHOWN) return list(refs)
  return (
    <>
      {list(refs.slice(0, SHOWN))}
      <details>
        <summary>{refs.length - SHOWN} more</summary>
        {list(refs.slice(SHOWN))}
      </details>
    </>
  )
}
