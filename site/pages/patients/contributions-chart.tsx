import { Empty } from '../../ui/states.tsx'
import type { Contribution } from './api.ts'
import { featureLabel, featureValue, signed } from './format.ts'

/**
 * The explanation as a diverging bar chart in plain HTML: each bar has its feature, value and
 * signed contribution as text (the bars themselves are decoration for screen readers), and the
 * same numbers are one click away as a table.
 */
export function ContributionsChart({ id, contributions, method }: { id: string; contributions: Contribution[]; method?: string }) {
  if (contributions.length === 0) return <Empty>The model gave no explanation for this score.</Empty>
  const sorted = [...contributions].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
  const max = Math.max(...sorted.map((c) => Math.abs(c.contribution))) || 1
  return (
    <figure className="contrib" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>
        Contribution of each input to the score{method ? ` (${method})` : ''}. Bars to the right raise the risk; bars to the left lower it.
      </figcaption>
      <ul className="contrib-bars">
        {sorted.map((c) => {
          const up = c.contribution >= 0
          const width = `${(Math.abs(c.contribution) / max) * 50}%`
          return (
            <li key={c.feature} className="contrib-row">
              <span className="contrib-label">
                {featureLabel(c.feature)}
                {c.value !== undefined ? <span className="muted"> = {featureValue(c.value)}</span> : null}
              </span>
              <span className="contrib-track" aria-hidden="true">
                <span className={`contrib-bar ${up ? 'up' : 'down'}`} style={up ? { left: '50%', width } : { right: '50%', width }} />
              </span>
              <span className="contrib-value">
                {signed(c.contribution)}
                <span className="sr-only">{up ? ', raises the risk' : ', lowers the risk'}</span>
              </span>
            </li>
          )
        })}
      </ul>
      <details className="contrib-table">
        <summary>Show as a table</summary>
        <div className="table-wrap" role="region" aria-label="Contributions table" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Input</th>
                <th scope="col">Value</th>
                <th scope="col">Contribution</th>
                <th scope="col">Effect</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((c) => (
                <tr key={c.feature}>
                  <th scope="row">{featureLabel(c.feature)}</th>
                  <td>{featureValue(c.value)}</td>
                  <td>{signed(c.contribution)}</td>
                  <td>{c.contribution >= 0 ? 'raises risk' : 'lowers risk'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  )
}
