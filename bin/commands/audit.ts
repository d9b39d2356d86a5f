import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateCheckpointKey, type CheckpointAlgorithm } from '../../core/index.ts'
import { parseFlags, UsageError, type Command } from '../args.ts'
import { auditSigningPlugins } from '../audit-signing.ts'
import { openNexora } from './open.ts'

const isoOrThrow = (flag: string, value: string | undefined) => {
  if (value === undefined) return undefined
  if (Number.isNaN(Date.parse(value))) throw new UsageError(`--${flag} must be an ISO-8601 date or time`)
  return new Date(value).toISOString()
}

const env = process.env

/** A signed checkpoint given on the command line: the compact JWS itself, or @file holding one. */
const checkpointArg = async (value: string) => (value.startsWith('@') ? (await readFile(value.slice(1), 'utf8')).trim() : value)

export const auditCommand: Command = {
  name: 'audit',
  summary: 'Verify the audit hash chain, sign a checkpoint, or report on a window (audit verify | checkpoint | report | keygen)',
  usage: `nexora audit verify [--db URL] [--witness SPEC] [--public-key FILE] [--checkpoint JWS|@FILE]...
nexora audit checkpoint [--db URL] [--signing-key FILE] [--witness SPEC]
nexora audit report [--from ISO] [--to ISO] [--db URL]
nexora audit keygen --out FILE [--alg EdDSA|ES384] [--kid ID]

  verify      prints {"ok":true,"events":N,...} and exits 0 when the chain, its latest
              checkpoint and every signed checkpoint (from the witnesses, and those given)
              hold; otherwise {"ok":false,"breaks":[{fromSeq,toSeq,reason}],...} and exits 1
  checkpoint  records the head now, signed and sent to the witnesses when a key is given
  report      counts by user, patient, model and action, denials, and first/last access
              per patient (default window: the last 30 days)
  keygen      writes a new private checkpoint key (JWK, mode 0600) to --out and prints its
              public JWK: keep the private one off the database's volume

  --witness     file:<path>, https://..., postgres://... or libsql:<url>; comma-separated
                (default NEXORA_AUDIT_WITNESSES)
  --public-key  a JWK or JWK Set file of keys that may have signed checkpoints
                (default NEXORA_AUDIT_PUBLIC_KEYS_FILE; the signing key's own is trusted too)
  --signing-key the private JWK file (default NEXORA_AUDIT_SIGNING_KEY_FILE)`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      db: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      witness: { type: 'string' },
      'public-key': { type: 'string' },
      checkpoint: { type: 'string', multiple: true },
      'signing-key': { type: 'string' },
      out: { type: 'string' },
      alg: { type: 'string' },
      kid: { type: 'string' },
    })
    const [sub, ...rest] = positionals
    if (rest.length || !['verify', 'report', 'checkpoint', 'keygen'].includes(sub ?? ''))
      throw new UsageError('expected "nexora audit verify", "checkpoint", "report" or "keygen"')
    if (sub !== 'report' && (values.from || values.to)) throw new UsageError('--from and --to belong to "audit report"')
    if (sub === 'keygen') {
      if (!values.out) throw new UsageError('keygen needs --out FILE for the private key')
      if (values.alg !== undefined && values.alg !== 'EdDSA' && values.alg !== 'ES384') throw new UsageError('--alg is EdDSA or ES384')
      const { privateJwk, publicJwk } = await generateCheckpointKey((values.alg ?? 'EdDSA') as CheckpointAlgorithm, values.kid)
      await writeFile(values.out, JSON.stringify(privateJwk), { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EEXIST' ? new UsageError(`${values.out} exists; refusing to overwrite a key`) : error
      })
      io.out(JSON.stringify(publicJwk))
      return 0
    }
    const keyFile = values['signing-key'] ?? env.NEXORA_AUDIT_SIGNING_KEY_FILE
    const witnesses = values.witness ?? env.NEXORA_AUDIT_WITNESSES
    // Nothing configured: the dev server's own key and witness file, where `nexora serve` made them.
    const dev = !keyFile && !witnesses && env.NODE_ENV !== 'production' && existsSync(join(env.NEXORA_DATA_DIR ?? './data', 'audit-signing-key.json'))
    const signing = await auditSigningPlugins(
      {
        keyFile,
        witnesses,
        publicKeysFile: values['public-key'] ?? env.NEXORA_AUDIT_PUBLIC_KEYS_FILE,
        witnessToken: env.NEXORA_AUDIT_WITNESS_TOKEN,
      },
      dev ? { dataDir: env.NEXORA_DATA_DIR ?? './data' } : undefined,
    )
    const nexora = await openNexora(values.db, { models: false, plugins: signing.plugins, config: { auditPublicKeys: signing.publicKeys } })
    try {
      if (sub === 'report') {
        const to = isoOrThrow('to', values.to) ?? new Date().toISOString()
        const from = isoOrThrow('from', values.from) ?? new Date(Date.parse(to) - 30 * 86_400_000).toISOString()
        io.out(JSON.stringify(await nexora.audit.generateReport(from, to), null, 2))
        return 0
      }
      if (sub === 'checkpoint') {
        io.out(JSON.stringify({ checkpoint: (await nexora.audit.checkpoint()) ?? null }))
        return 0
      }
      const checkpoints = await Promise.all((values.checkpoint ?? []).map(checkpointArg))
      const result = await nexora.audit.verify(undefined, { checkpoints })
      io.out(JSON.stringify(result))
      return result.ok ? 0 : 1
    } finally {
      await nexora.close()
    }
  },
}
