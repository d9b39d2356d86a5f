import { readFile } from 'node:fs/promises'
import { NexoraError } from '../../core/index.ts'
import { RECALIBRATION_METHODS, recalibrateAudited, type MonitoringOptions, type RecalibrationMethod } from '../../plugins/monitoring/index.ts'
import { parseFlags, UsageError, type Io } from '../args.ts'
import { loadServeConfig } from '../config-file.ts'
import { openNexora } from './open.ts'

const DAY = 86_400_000

const integer = (flag: string, value: string | undefined) => {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a non-negative integer`)
  return Number(value)
}

/** The outcome horizon the server joins with: --horizon-days, else the monitoring settings file's `horizonDays`, else 30. */
async function horizonDays(flag: string | undefined, model: string): Promise<number> {
  if (flag !== undefined) {
    const days = Number(flag)
    if (!(days > 0)) throw new UsageError('--horizon-days must be a positive number')
    return days
  }
  const file = (await loadServeConfig(undefined)).monitoring.configFile
  if (!file) return 30
  let settings: Pick<MonitoringOptions, 'horizonDays'>
  try {
    settings = JSON.parse(await readFile(file, 'utf8'))
  } catch {
    throw new UsageError(`cannot read the monitoring settings from ${file} (a JSON file)`)
  }
  const h = settings.horizonDays
  return typeof h === 'number' ? h : (h?.[model] ?? 30)
}

/** `nexora models recalibrate`: a site recalibration fitted on the prediction log, registered as a new version (see docs/monitoring.md). */
export const recalibrateModel = {
  usage: `nexora models recalibrate --model M --version V --method logistic|isotonic [--from T --to T] [--new-version V]
                          [--folds 5] [--seed 0] [--horizon-days D] [--db URL]
      Fits σ(a + b·logit p) or an isotonic map from V's logged scores to the outcomes joined to them
      (predictions made in [--from, --to), ISO-8601), cross-validates it (seeded stratified k-fold) and
      registers it as a new version with V's files (default: the next patch above every version). Nothing
      is promoted: the version goes through shadow, approval and canary like any other. Prints the new
      version, its calibration and the calibration figures before and after as JSON; audited as
      model.recalibrate. The outcome horizon is the monitoring settings' (NEXORA_MONITORING_CONFIG) or 30 days.`,
  async run(argv: string[], io: Io): Promise<number> {
    const { values, positionals } = parseFlags(argv, {
      model: { type: 'string' },
      version: { type: 'string' },
      method: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'new-version': { type: 'string' },
      folds: { type: 'string' },
      seed: { type: 'string' },
      'horizon-days': { type: 'string' },
      db: { type: 'string' },
    })
    if (positionals.length > 0) throw new UsageError('expected "nexora models recalibrate --model M --version V --method logistic|isotonic"')
    if (!values.model || !values.version) throw new UsageError('--model and --version are required')
    if (!(RECALIBRATION_METHODS as readonly string[]).includes(values.method ?? ''))
      throw new UsageError(`--method is one of ${RECALIBRATION_METHODS.join(', ')}`)
    for (const flag of ['from', 'to'] as const)
      if (values[flag] !== undefined && Number.isNaN(Date.parse(values[flag]))) throw new UsageError(`--${flag} must be an ISO-8601 time`)
    const [folds, seed] = [integer('folds', values.folds), integer('seed', values.seed)]
    const days = await horizonDays(values['horizon-days'], values.model)
    const nexora = await openNexora(values.db)
    try {
      const log = nexora.ports.get('predictionLog')
      if (!log) throw new NexoraError('storage.unavailable', { detail: 'the storage keeps no prediction log' })
      const deps = { log, registry: nexora.registry, store: nexora.ports.get('modelStore'), clock: nexora.ports.get('clock'), horizonMs: () => days * DAY }
      const request = {
        model: values.model,
        version: values.version,
        method: values.method as RecalibrationMethod,
        from: values.from,
        to: values.to,
        newVersion: values['new-version'],
        folds,
        seed,
      }
      const result = await recalibrateAudited(deps, request, { audit: nexora.audit, subject: process.env.USER ?? 'cli' })
      io.out(JSON.stringify(result, null, 2))
      return 0
    } catch (error) {
      if (!(error instanceof NexoraError)) throw error
      io.err(JSON.stringify({ code: error.code, title: error.title, detail: error.detail, issues: error.issues }))
      return 1
    } finally {
      await nexora.close()
    }
  },
}
