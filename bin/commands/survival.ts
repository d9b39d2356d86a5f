import { readFile } from 'node:fs/promises'
import Papa from 'papaparse'
import { parseFlags, UsageError, type Command } from '../args.ts'

async function readCsv(path: string) {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new UsageError(`--csv: cannot read ${path}`)
  })
  const parsed = Papa.parse<Record<string, unknown>>(text, { header: true, dynamicTyping: true, skipEmptyLines: true })
  return { rows: parsed.data, fields: parsed.meta.fields ?? [] }
}

function column(rows: Record<string, unknown>[], fields: string[], name: string, flag: string): number[] {
  if (!fields.includes(name)) throw new UsageError(`--${flag}: no column "${name}"`)
  return rows.map((r) => Number(r[name]))
}

/** Rows with a missing or non-numeric value in any used column are dropped (as R's na.omit). */
function complete(rows: Record<string, unknown>[], columns: string[]) {
  return rows.filter((r) => columns.every((c) => typeof r[c] === 'number' && Number.isFinite(r[c])))
}

export const survivalCommand: Command = {
  name: 'survival',
  summary: 'Fit a Cox model or a Kaplan–Meier curve from CSV (survival fit | survival km)',
  usage: `nexora survival fit --csv FILE --time COL --event COL [--covariates a,b,c] [--ties efron|breslow] [--json]
nexora survival km --csv FILE --time COL --event COL [--json]

  fit  prints {"coefficients":{…},"standardErrors":{…},"logLikelihood":…,"concordance":…}
       (covariates default to every other numeric column). The concordance is in-sample (the
       fit's own rows, optimistic); for a held-out C-index, nexora train --model-type cox.
  km   prints {"times":[…],"survival":[…]}
  Rows with a missing value in a used column are dropped.`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    if (sub !== 'fit' && sub !== 'km') throw new UsageError('expected "nexora survival fit" or "nexora survival km"')
    const { values } = parseFlags(rest, {
      csv: { type: 'string' },
      time: { type: 'string' },
      event: { type: 'string' },
      covariates: { type: 'string' },
      ties: { type: 'string' },
      json: { type: 'boolean' },
    })
    if (!values.csv || !values.time || !values.event) throw new UsageError('--csv, --time and --event are required')
    const ties = values.ties ?? 'efron'
    if (ties !== 'efron' && ties !== 'breslow') throw new UsageError('--ties must be efron or breslow')
    const { rows, fields } = await readCsv(values.csv)
    const survival = await import('../../plugins/model-survival/index.ts')
    const indent = values.json ? undefined : 2
    if (sub === 'km') {
      const used = complete(rows, [values.time, values.event])
      const km = survival.kaplanMeier({ times: column(used, fields, values.time, 'time'), events: column(used, fields, values.event, 'event') })
      io.out(JSON.stringify({ times: km.times, survival: km.survival }, null, indent))
      return 0
    }
    const covariates = values.covariates
      ? values.covariates
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean)
      : fields.filter((f) => f !== values.time && f !== values.event && rows.every((r) => r[f] === null || typeof r[f] === 'number'))
    if (covariates.length === 0) throw new UsageError('no numeric covariates: name them with --covariates')
    for (const c of covariates) column(rows, fields, c, 'covariates')
    const used = complete(rows, [values.time, values.event, ...covariates])
    const fit = survival.fitCox(
      {
        times: column(used, fields, values.time, 'time'),
        events: column(used, fields, values.event, 'event'),
        covariates: used.map((r) => covariates.map((c) => Number(r[c]))),
        names: covariates,
      },
      { ties },
    )
    io.out(
      JSON.stringify(
        { coefficients: fit.coefficients, standardErrors: fit.standardErrors, logLikelihood: fit.logLikelihood, concordance: fit.concordance, n: used.length },
        null,
        indent,
      ),
    )
    return 0
  },
}
