import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import cliProgress from 'cli-progress'
import semver from 'semver'
import type { TrainProgress } from '../../core/index.ts'
import { parseFlags, UsageError, type Command, type Io } from '../args.ts'
import { loadDatasetFile } from '../dataset-file.ts'
import { trainHonestly, type SplitPlan } from '../honest-metrics.ts'
import { openNexora } from './open.ts'

/** A bar with loss and ETA on a terminal; one plain line per epoch when output is not a TTY. */
function progressReporter(io: Io, tty: boolean) {
  if (!tty) return { update: (p: TrainProgress) => io.err(`epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(5)}`), stop: () => {} }
  const bar = new cliProgress.SingleBar(
    { format: 'training [{bar}] {value}/{total} epochs | loss {loss} | ETA {eta_formatted}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    update(p: TrainProgress) {
      if (!started) {
        bar.start(p.epochs, 0, { loss: '-' })
        started = true
      }
      bar.setTotal(p.epochs)
      bar.update(p.epoch, { loss: p.loss.toFixed(5) })
    },
    stop: () => {
      if (started) bar.stop()
    },
  }
}

/** --holdout, --cv and --seed as a plan: a 20% stratified hold-out unless told otherwise. */
function splitPlan(values: { holdout?: string; cv?: string; seed?: string }): SplitPlan {
  const seed = Number(values.seed ?? 1)
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError('--seed must be a non-negative integer')
  if (values.cv !== undefined && values.holdout !== undefined) throw new UsageError('--cv and --holdout are alternatives: give one')
  if (values.cv !== undefined) {
    const folds = Number(values.cv)
    if (!Number.isInteger(folds) || folds < 2) throw new UsageError('--cv must be an integer ≥ 2 (the number of folds)')
    return { method: 'kfold', folds, seed }
  }
  const fraction = Number(values.holdout ?? 0.2)
  if (!(fraction >= 0 && fraction < 1)) throw new UsageError('--holdout must be in [0, 1): the fraction held out (0 opts out)')
  return fraction === 0 ? { method: 'none', seed } : { method: 'stratified-holdout', fraction, seed }
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train a model from a data file and register it as a new version',
  usage: `nexora train --model-type linear|deepfm|transformer|cox|KIND --data FILE --target COL [--time COL] [--config FILE] [--name NAME] [--version V]
              [--holdout 0.2 | --cv K] [--seed N] [--db URL] [--plugin MODULE]...

  --data     CSV with a header row, or JSON/JSONL of {features, sequence?, label, time?}
  --target   the 0/1 outcome column (the event indicator for cox)
  --time     cox only: the time-to-event column
  --config   JSON of training options (epochs, learningRate, embeddingSize, C, horizonDays, …)
  --holdout  the fraction of rows held out, stratified on the target (default 0.2): the model
             trains on the rest and is scored on them. 0 opts out: in-sample figures only
  --cv       K-fold stratified cross-validation instead (K ≥ 2): K models scored on their held-out
             fold (mean and SD), then the registered model trains on every row
  --seed     the seed of the split, and of training unless --config sets "seed" (default 1)
  --plugin   a plugin module (a path or a package name) whose model kind can train; repeatable.
             --model-type then takes its kind too (serve it with "plugins" in nexora.config.json)
  Shows a progress bar with loss and ETA on a terminal, plain lines otherwise; prints the
  registered version, the split, and its held-out and in-sample (optimistic) metrics as JSON.
  The manifest records them as heldout_* and insample_* and the split as training.split.`,
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      'model-type': { type: 'string' },
      data: { type: 'string' },
      target: { type: 'string' },
      time: { type: 'string' },
      config: { type: 'string' },
      name: { type: 'string' },
      version: { type: 'string' },
      db: { type: 'string' },
      plugin: { type: 'string', multiple: true },
      holdout: { type: 'string' },
      cv: { type: 'string' },
      seed: { type: 'string' },
    })
    const kind = values['model-type']
    if (!values.data || !values.target) throw new UsageError('--data and --target are required')
    if (kind === 'cox' && !values.time) throw new UsageError('--time is required for cox')
    if (values.version && !semver.valid(values.version)) throw new UsageError('--version must be semver, e.g. 1.2.0')
    const plan = splitPlan(values)
    const config = values.config
      ? (JSON.parse(
          await readFile(values.config, 'utf8').catch(() => {
            throw new UsageError(`--config: cannot read ${values.config}`)
          }),
        ) as Record<string, unknown>)
      : {}
    const nexora = await openNexora(values.db, { models: false, pluginModules: values.plugin })
    try {
      // Only kinds that can train (onnx serves only), the shipped ones and those of the plugins loaded.
      const trainable = nexora.ports.getAll('model').filter((p) => p.train)
      const plugin = trainable.find((p) => p.kind === kind)
      if (!kind || !plugin) throw new UsageError(`--model-type must be one of ${trainable.map((p) => p.kind).join(', ')} (more with --plugin)`)
      const { dataset, inputs } = await loadDatasetFile(values.data!, values.target!, values.time)
      const name =
        values.name ??
        `${basename(values.data!)
          .replace(/\.[^.]+$/, '')
          .toLowerCase()
          .replace(/[^a-z0-9._-]+/g, '-')}-${kind}`
      const existing = await nexora.registry.get(name).catch(() => undefined)
      const latest = existing?.versions.map((v) => v.version).sort(semver.rcompare)[0]
      const version = values.version ?? (latest ? semver.inc(latest, 'minor')! : '1.0.0')
      const started = performance.now()
      const { artifact, heldout, insample, split } = await trainHonestly({
        dataset,
        plan,
        // More than one training under --cv: a bar (or plain lines) for each, named.
        async train(data, run) {
          if (plan.method === 'kfold') io.err(`training ${run}`)
          const progress = progressReporter(io, Boolean(process.stderr.isTTY))
          const options = { seed: plan.seed, ...config, name, version, inputs }
          return plugin.train!(data, options, (p) => progress.update(p)).finally(() => progress.stop())
        },
        load: (a) => plugin.load(a),
      })
      const stored = await nexora.registry.register(artifact.manifest, artifact.files)
      const summary = { name: stored.name, version: stored.version, kind, rows: dataset.rows.length }
      const seconds = Number(((performance.now() - started) / 1000).toFixed(2))
      io.out(JSON.stringify({ ...summary, seconds, split, heldout, insample }, null, 2))
      return 0
    } finally {
      await nexora.close()
    }
  },
}
