import { auroc, averagePrecision, brierScore, logLoss } from '../../core/index.ts'
import { calibrationCurve, disparities, expectedCalibrationError, metricFrame, thresholdMetrics } from '../../plugins/monitoring/index.ts'
import { parseFlags, UsageError, type Command } from '../args.ts'
import { readCsvColumns } from '../csv-columns.ts'

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'Evaluate scores against outcomes from CSV: discrimination, calibration, fairness',
  usage: `nexora evaluate --csv FILE --label COL --score COL [--threshold 0.5] [--group COL] [--bins 10] [--json]

  Prints auroc, auprc, brier, logLoss, sensitivity, specificity, ppv, npv, f1, accuracy, ece and
  calibration {probTrue, probPred, binCounts}; with --group also fairness {demographicParityDifference,
  equalOpportunityDifference, equalizedOddsDifference, byGroup}. Rows with a missing label or score are dropped.
  The figures are only as honest as the rows: score rows the model did not train on (held-out or
  external); on its own training rows they are in-sample and overstate it.`,
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      csv: { type: 'string' },
      label: { type: 'string' },
      score: { type: 'string' },
      threshold: { type: 'string' },
      group: { type: 'string' },
      bins: { type: 'string' },
      json: { type: 'boolean' },
    })
    if (!values.csv || !values.label || !values.score) throw new UsageError('--csv, --label and --score are required')
    const threshold = Number(values.threshold ?? 0.5)
    const bins = Number(values.bins ?? 10)
    if (!(threshold >= 0 && threshold <= 1)) throw new UsageError('--threshold must be in [0, 1]')
    if (!Number.isInteger(bins) || bins < 2) throw new UsageError('--bins must be an integer ≥ 2')
    const { columns } = await readCsvColumns(values.csv, 'csv')
    for (const [flag, name] of [
      ['label', values.label],
      ['score', values.score],
      ['group', values.group],
    ] as const) {
      if (name && !(name in columns)) throw new UsageError(`--${flag}: no column "${name}"`)
    }
    const keep = columns[values.label]!.map((y, i) => ((y === 0 || y === 1) && typeof columns[values.score!]![i] === 'number' ? i : -1)).filter((i) => i >= 0)
    if (keep.length === 0) throw new UsageError('no rows with a 0/1 label and a numeric score')
    const labels = keep.map((i) => columns[values.label!]![i] as number)
    const scores = keep.map((i) => columns[values.score!]![i] as number)
    if (scores.some((s) => s < 0 || s > 1)) throw new UsageError('--score must be a probability in [0, 1]')
    const t = thresholdMetrics(labels, scores, threshold)
    const curve = calibrationCurve(labels, scores, { bins, strategy: 'uniform' })
    const result: Record<string, unknown> = {
      n: labels.length,
      threshold,
      auroc: auroc(labels, scores),
      auprc: averagePrecision(labels, scores),
      brier: brierScore(labels, scores),
      logLoss: logLoss(labels, scores),
      sensitivity: t.sensitivity,
      specificity: t.specificity,
      ppv: t.ppv,
      npv: t.npv,
      f1: t.f1,
      accuracy: t.accuracy,
      ece: expectedCalibrationError(labels, scores, { bins, strategy: 'uniform' }),
      calibration: { probTrue: curve.probTrue, probPred: curve.probPred, binCounts: curve.binCounts },
    }
    if (values.group) {
      const frame = metricFrame({ labels, scores, threshold, sensitive: { [values.group]: keep.map((i) => columns[values.group!]![i]) } })
      const gaps = disparities(frame)
      result.fairness = {
        demographicParityDifference: gaps.demographicParityDifference,
        equalOpportunityDifference: gaps.equalOpportunityDifference,
        equalizedOddsDifference: gaps.equalizedOddsDifference,
        predictiveParityDifference: gaps.predictiveParityDifference,
        byGroup: Object.fromEntries(frame.byGroup.map((g) => [g.key, g])),
      }
    }
    io.out(JSON.stringify(result, null, values.json ? undefined : 2))
    return 0
  },
}
