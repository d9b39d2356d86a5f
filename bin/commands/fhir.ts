import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { NexoraError } from '../../core/index.ts'
import { ClinicalETL } from '../../plugins/etl/index.ts'
import { createFhirClient } from '../../plugins/fhir/index.ts'
import { parseFlags, UsageError, type Command } from '../args.ts'

async function readJson(path: string, flag: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new UsageError(`--${flag}: cannot read ${path}`)
  })
  try {
    return JSON.parse(text)
  } catch {
    throw new UsageError(`--${flag}: ${path} is not JSON`)
  }
}

async function features(argv: string[], io: Parameters<Command['run']>[1]) {
  const { values } = parseFlags(argv, {
    bundle: { type: 'string' },
    spec: { type: 'string' },
    json: { type: 'boolean' },
    'index-time': { type: 'string' },
    grouped: { type: 'boolean' },
  })
  if (!values.bundle || !values.spec) throw new UsageError('--bundle and --spec are required')
  if (values['index-time'] && Number.isNaN(Date.parse(values['index-time']))) throw new UsageError('--index-time must be an ISO date or time')
  const etl = new ClinicalETL(await readJson(values.spec, 'spec'))
  const ndjson = /\.ndjson$/i.test(values.bundle)
  const records = ndjson
    ? etl.fromNdjson(createInterface({ input: createReadStream(values.bundle), crlfDelay: Infinity }), { grouped: values.grouped })
    : etl.fromBundle((await readJson(values.bundle, 'bundle')) as never)
  const { rows, report } = await etl.extractFeatures(records, { indexTime: values['index-time'] })
  io.out(
    JSON.stringify(
      { patients: rows.map((r) => ({ patientId: r.patientId, features: r.features, ...(r.sequence ? { sequence: r.sequence } : {}) })), report },
      null,
      values.json ? undefined : 2,
    ),
  )
  return 0
}

async function pull(argv: string[], io: Parameters<Command['run']>[1]) {
  const { values } = parseFlags(argv, { server: { type: 'string' }, patient: { type: 'string' }, token: { type: 'string' } })
  if (!values.server || !values.patient) throw new UsageError('--server and --patient are required')
  const token = values.token ?? process.env.NEXORA_FHIR_TOKEN
  let client: ReturnType<typeof createFhirClient>
  try {
    client = createFhirClient({ baseUrl: values.server, ...(token ? { auth: { type: 'static' as const, token } } : {}) })
  } catch {
    throw new UsageError('--server must be an http(s) base URL without credentials, query or fragment')
  }
  try {
    const resources = await client.everything(values.patient)
    io.out(
      JSON.stringify(
        {
          resourceType: 'Bundle',
          type: 'collection',
          entry: resources.map((resource) => ({ fullUrl: `${values.server!.replace(/\/$/, '')}/${resource.resourceType}/${resource.id}`, resource })),
        },
        null,
        2,
      ),
    )
    return 0
  } catch (error) {
    if (!(error instanceof NexoraError)) throw error
    io.err(JSON.stringify({ code: error.code, title: error.title, detail: error.detail }))
    return 1
  }
}

export const fhirCommand: Command = {
  name: 'fhir',
  summary: 'Extract features from FHIR data, or pull a patient record (fhir features | fhir pull)',
  usage: `nexora fhir features --bundle FILE --spec SPEC.json [--index-time ISO] [--grouped] [--json]
nexora fhir pull --server URL --patient ID [--token TOKEN]

  features  FILE is a transaction, collection or searchset Bundle (JSON) or Bulk Data NDJSON
            (*.ndjson; --grouped when lines are grouped by patient, for flat memory).
            Prints {"patients":[{"patientId","features"}],"report":{…}}; --json prints it on one line.
  pull      prints the patient's record (Patient/$everything, or per-type searches) as a Bundle;
            the token may also come from NEXORA_FHIR_TOKEN. It is sent only under --server: a
            paging link or redirect elsewhere stops the pull (fhir.untrusted_link, exit 1)`,
  async run(argv, io) {
    const [sub, ...rest] = argv
    if (sub === 'features') return features(rest, io)
    if (sub === 'pull') return pull(rest, io)
    throw new UsageError('expected "nexora fhir features" or "nexora fhir pull"')
  },
}
