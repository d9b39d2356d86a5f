import { serveNode } from '../../adapters/node.ts'
import { importModels } from '../demo-models.ts'
import { parseFlags, UsageError, type Command } from '../args.ts'

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the HTTP server with the committed demo models',
  usage: `nexora serve [--port 8000] [--host 127.0.0.1] [--db file:./data/nexora.db]

  --port   TCP port (default 8000)
  --host   interface to bind (default 127.0.0.1; use 0.0.0.0 in a container)
  --db     libSQL URL of the embedded database (default file:./data/nexora.db)`,
  async run(argv, io) {
    const { values } = parseFlags(argv, { port: { type: 'string' }, host: { type: 'string' }, db: { type: 'string' } })
    const port = Number(values.port ?? process.env.PORT ?? 8000)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535`)
    const running = await serveNode({
      port, host: values.host, db: values.db ?? process.env.NEXORA_DB,
      prepare: async (nexora) => {
        const imported = await importModels(nexora)
        if (imported.length) io.err(`registered demo models: ${imported.join(', ')}`)
      },
    })
    const base = running.url.replace('127.0.0.1', 'localhost')
    io.err(`Nexora is listening on ${base}
  API docs: ${base}/docs
  Try:      curl -X POST ${base}/predict -H 'content-type: application/json' \\
              -d '{"model":"readmission-risk","rows":[{"patientId":"demo-1","features":{"age":71,"sex":"F","systolic_bp":150,"hba1c":8.1,"egfr":48,"prior_admissions":2,"length_of_stay":6,"on_anticoagulant":true}}],"explain":true}'`)
    await new Promise(() => {})
    return 0
  },
}
