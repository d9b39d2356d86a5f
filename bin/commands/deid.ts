import { readFile } from 'node:fs/promises'
import { NexoraError, type FhirResource } from '../../core/index.ts'
import { deidentifyResource, deidentifyText } from '../../plugins/deid/index.ts'
import { parseFlags, UsageError, type Command } from '../args.ts'
import { loadDeidKey, nodeHmac } from '../deid-key.ts'

export const deidCommand: Command = {
  name: 'deid',
  summary: 'De-identify a text file or a FHIR resource/Bundle (HIPAA Safe Harbor)',
  usage: `nexora deid --text-file FILE [--key-file K] [--patient ID]
nexora deid --fhir FILE.json [--key-file K]

  Prints the de-identified text, or the de-identified resource or Bundle as JSON. Pseudonyms and
  date shifts derive from the key (default: ./data/deid-key, made on first use), so the same key
  gives the same surrogates every run.`,
  async run(argv, io) {
    const { values } = parseFlags(argv, {
      'text-file': { type: 'string' },
      fhir: { type: 'string' },
      'key-file': { type: 'string' },
      patient: { type: 'string' },
    })
    if (Boolean(values['text-file']) === Boolean(values.fhir)) throw new UsageError('give exactly one of --text-file or --fhir')
    const key = await loadDeidKey(false, process.env.NEXORA_DATA_DIR ?? './data', values['key-file']).catch(() => {
      throw new UsageError(`--key-file: cannot read ${values['key-file']}`)
    })
    const path = (values['text-file'] ?? values.fhir)!
    const text = await readFile(path, 'utf8').catch(() => {
      throw new UsageError(`cannot read ${path}`)
    })
    try {
      if (values['text-file']) {
        io.out((await deidentifyText(text, { key: key!, hmac: nodeHmac, patientId: values.patient })).text)
        return 0
      }
      let resource: FhirResource
      try {
        resource = JSON.parse(text) as FhirResource
      } catch {
        throw new UsageError(`--fhir: ${path} is not JSON`)
      }
      if (typeof resource?.resourceType !== 'string') throw new UsageError(`--fhir: ${path} is not a FHIR resource`)
      io.out(JSON.stringify((await deidentifyResource(resource, { key: key!, hmac: nodeHmac, patientId: values.patient })).resource, null, 2))
      return 0
    } catch (error) {
      if (!(error instanceof NexoraError)) throw error
      io.err(JSON.stringify({ code: error.code, title: error.title, detail: error.detail }))
      return 1
    }
  },
}
