import { chiSquare, driftReport, jensenShannonBinned, ksTwoSample, psi, wasserstein } from '../../plugins/monitoring/index.ts'
import { parseFlags, UsageError, type Command } from '../args.ts'
import { readCsvColumns, type Cell } from '../csv-columns.ts'

const numbers = (values: Cell[]) => values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
const isNumeric = (values: Cell[]) => values.every((v) => v === null || typeof v === 'number')

export const driftCommand: Command = {
  name: 'drift',
  summary: 'Compare a current sample with a reference, per column (KS, PSI, Wasserstein, Jensen–Shannon)',
  usage: `nexora drift --reference FILE --current FILE [--columns a,b] [--json]

  Both files are CSV with a header row. Prints
  {"columns":{"name":{"ks":{"statistic","pValue"},"psi","wasserstein","jensenShannon"}},"drift":{…}}
  (categorical columns get "chiSquare" instead of "ks" and "wasserstein"). The verdict uses the
  default test per column (see docs/monitoring.md).`,
  async run(argv, io) {
    const { values } = parseFlags(argv, { reference: { type: 'string' }, current: { type: 'string' }, columns: { type: 'string' }, json: { type: 'boolean' } })
    if (!values.reference || !values.current) throw new UsageError('--reference and --current are required')
    const [reference, current] = [await readCsvColumns(values.reference, 'reference'), await readCsvColumns(values.current, 'current')]
    const names = values.columns
      ? values.columns
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean)
      : Object.keys(reference.columns).filter((c) => c in current.columns)
    for (const name of names) {
      if (!(name in reference.columns) || !(name in current.columns)) throw new UsageError(`--columns: "${name}" is not in both files`)
    }
    const columns: Record<string, unknown> = {}
    for (const name of names) {
      const [ref, cur] = [reference.columns[name]!, current.columns[name]!]
      if (isNumeric(ref) && isNumeric(cur)) {
        const [r, c] = [numbers(ref), numbers(cur)]
        if (r.length === 0 || c.length === 0) continue
        const ks = ksTwoSample(r, c)
        columns[name] = {
          ks: { statistic: ks.statistic, pValue: ks.pValue },
          psi: psi(r, c),
          wasserstein: wasserstein(r, c),
          jensenShannon: jensenShannonBinned(r, c),
        }
      } else {
        const [r, c] = [ref.filter((v) => v !== null).map(String), cur.filter((v) => v !== null).map(String)]
        columns[name] = { chiSquare: chiSquare(r, c) }
      }
    }
    const pick = (cols: Record<string, Cell[]>) => Object.fromEntries(names.map((n) => [n, cols[n]!.map((v) => (typeof v === 'boolean' ? String(v) : v))]))
    const verdict = driftReport(pick(reference.columns), pick(current.columns))
    io.out(
      JSON.stringify(
        {
          columns,
          drift: { ...verdict.drift, byColumn: Object.fromEntries(Object.entries(verdict.columns).map(([k, v]) => [k, { test: v.test, drifted: v.drifted }])) },
        },
        null,
        values.json ? undefined : 2,
      ),
    )
    return 0
  },
}
