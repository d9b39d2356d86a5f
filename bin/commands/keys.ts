import { writeFile } from 'node:fs/promises'
import { generateCheckpointKey, loadConfig } from '../../core/index.ts'
import { parseFlags, UsageError, type Command, type Io } from '../args.ts'
import { issueDevToken, loadOrCreateDevIdentity } from '../dev-identity.ts'

const ALGORITHMS: Record<string, 'EdDSA' | 'ES384'> = { EdDSA: 'EdDSA', Ed25519: 'EdDSA', ES384: 'ES384' }

/**
 * A new signing key pair (model signatures, or anything else that takes an Ed25519 or P-384 JWK):
 * the private JWK to --out (mode 0600, never over an existing file), the public one on stdout.
 * The same shapes as checkpoint keys, so one generator serves both.
 */
async function generate(values: { out?: string; alg?: string; kid?: string }, io: Io) {
  if (!values.out) throw new UsageError('generate needs --out FILE for the private key')
  const name = values.alg ?? 'EdDSA'
  const alg = Object.hasOwn(ALGORITHMS, name) ? ALGORITHMS[name] : undefined
  if (!alg) throw new UsageError('--alg is EdDSA (Ed25519) or ES384')
  const kid = values.kid ?? `model-signing-${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`
  const { privateJwk, publicJwk } = await generateCheckpointKey(alg, kid)
  await writeFile(values.out, JSON.stringify(privateJwk), { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'EEXIST' ? new UsageError(`${values.out} exists; refusing to overwrite a key`) : error
  })
  io.out(JSON.stringify(publicJwk))
  return 0
}

export const keysCommand: Command = {
  name: 'keys',
  summary: 'Make the dev key pair and dev token (keys dev), a dev token for another principal (keys token), or a signing key pair (keys generate)',
  usage: `nexora keys dev [--data-dir DIR] [--print]
nexora keys generate --out FILE [--alg EdDSA|Ed25519|ES384] [--kid ID]
nexora keys token --sub NAME --scope "SCOPE …" [--data-dir DIR] [--print]

  Makes (or keeps) dev mode's ES384 key pair and a 30-day dev token in the data directory
  (default NEXORA_DATA_DIR, else ./data), as \`nexora serve\` does in dev mode, so replicas and
  scripts sharing the directory share the dev identity. Prints the token file's path, or with
  --print the token itself (e.g. TOKEN=$(nexora keys dev --print)).

  generate writes a new private signing key (JWK with its kid, mode 0600) to --out and prints its
  public JWK: sign models with the private one (\`nexora models sign --key\`), trust the public one
  (models.trustedKeys). Default EdDSA (Ed25519); ES384 is P-384. See docs/security.md.

  token signs a one-day dev-mode token for another principal with the dev key, e.g. the second
  person of two-person approval: --sub reviewer --scope nexora/models.approve (docs/change-control.md).`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, {
      'data-dir': { type: 'string' },
      print: { type: 'boolean' },
      out: { type: 'string' },
      alg: { type: 'string' },
      kid: { type: 'string' },
      sub: { type: 'string' },
      scope: { type: 'string' },
    })
    if (positionals.length > 1 || !['dev', 'generate', 'token'].includes(positionals[0] ?? ''))
      throw new UsageError('expected "nexora keys dev", "nexora keys generate" or "nexora keys token"')
    if (positionals[0] === 'generate') return generate(values, io)
    const dataDir = values['data-dir'] ?? loadConfig({ get: (name) => (name === 'NEXORA_DATA_DIR' ? process.env[name] : undefined) }).dataDir
    if (positionals[0] === 'token') {
      if (!values.sub || !values.scope) throw new UsageError('token needs --sub NAME and --scope "SCOPE …"')
      io.out(await issueDevToken(dataDir, values.sub, values.scope))
      return 0
    }
    const dev = await loadOrCreateDevIdentity(dataDir)
    io.out(values.print ? dev.token : dev.tokenFile)
    return 0
  },
}
