import { NexoraError, type FeatureValue } from '../../core/index.ts'
import { parseFlags, UsageError, type Command } from '../args.ts'
import { openNexora } from './open.ts'

export const predictCommand: Command = {
  name: 'predict',
  summary: 'Score one row in-process and print JSON',
  usage: `nexora predict --model NAME --features '{"age":70,...}' [--version V] [--patient ID] [--explain] [--db URL]

  Runs the same pipeline as POST /predict, audit included, without a server.`,
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      model: { type: 'string' },
      version: { type: 'string' },
      features: { type: 'string' },
      patient: { type: 'string' },
      explain: { type: 'boolean' },
      db: { type: 'string' },
    })
    if (!values.model) throw new UsageError('--model is required')
    if (!values.features) throw new UsageError('--features is required')
    let features: Record<string, FeatureValue>
    try {
      features = JSON.parse(values.features)
    } catch {
      throw new UsageError('--features must be a JSON object')
    }
    if (typeof features !== 'object' || features === null || Array.isArray(features)) throw new UsageError('--features must be a JSON object')
    const nexora = await openNexora(values.db)
    try {
      const result = await nexora.predict(
        {
          model: values.model,
          version: values.version,
          explain: values.explain,
          rows: [{ patientRef: values.patient, features }],
        },
        { subject: process.env.USER ?? 'cli', scopes: ['nexora/predict'], roles: [], via: 'in-process' },
      )
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
