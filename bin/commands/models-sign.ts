import { existsSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { JWK } from 'jose'
import {
  hashFiles,
  modelSignaturesFrom,
  NexoraError,
  parseModelRef,
  verifyManifestSignature,
  signManifest,
  withTrustedKeysFile,
  type ModelManifest,
} from '../../core/index.ts'
import { parseFlags, UsageError, type Io } from '../args.ts'
import { readPublicKeys } from '../audit-signing.ts'
import { loadServeConfig } from '../config-file.ts'
import { manifestText, readModelDir, readModelFiles } from '../model-dir.ts'
import { openNexora } from './open.ts'

/** What a refusal prints: the code and its detail as JSON on stdout, exit 1 (a script tests `$?`). */
function refused(io: Io, error: unknown): number {
  if (!(error instanceof NexoraError)) throw error
  io.out(JSON.stringify({ ok: false, code: error.code, detail: error.detail }))
  return 1
}

/** A directory's files against the sha256 its manifest lists: a signature binds the hashes, the hashes bind the bytes. */
async function checkDirFiles(manifest: ModelManifest, files: Record<string, Uint8Array>, label: string) {
  const actual = await hashFiles(files)
  for (const [file, hash] of Object.entries(manifest.files ?? {})) {
    if (actual[file] !== hash) throw new NexoraError('model.artifact_corrupt', { detail: `${label}: file "${file}" does not match its sha256` })
  }
}

async function readJwk(file: string): Promise<JWK> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK
  } catch {
    throw new UsageError(`cannot read a JWK from ${file}`)
  }
}

const onePath = (positionals: string[], what: string) => {
  if (positionals.length !== 1) throw new UsageError(`expected one ${what}`)
  return positionals[0]!
}

export const signModel = {
  usage: `nexora models sign --key private.jwk <model directory | manifest.json>
      Signs the manifest with a private Ed25519 (EdDSA) or P-384 (ES384) JWK that has a kid
      (\`nexora keys generate\`), and writes the signature into manifest.json. The signature covers
      the manifest (with the sha256 of every file it lists, which must match the files beside it)
      and the hash of README.md, the model card \`nexora serve\` registers with it.`,
  async run(argv: string[], io: Io) {
    const { values, positionals } = parseFlags(argv, { key: { type: 'string' } })
    const path = onePath(positionals, 'model directory or manifest.json')
    if (!values.key) throw new UsageError('--key names the private JWK file that signs')
    const key = await readJwk(values.key)
    if (!key.d) throw new UsageError(`${values.key} holds no private key ("d"): sign with the private half`)
    const model = readModelDir(path)
    try {
      await checkDirFiles(model.manifest, readModelFiles(model), model.manifestPath)
      const { signature: _previous, ...unsigned } = model.written
      const signature = await signManifest({ ...unsigned, card: model.manifest.card }, key)
      writeFileSync(model.manifestPath, manifestText({ ...unsigned, signature }))
      io.out(JSON.stringify({ ok: true, manifest: model.manifestPath, kid: signature.kid, alg: signature.alg, signedAt: signature.signedAt }))
      return 0
    } catch (error) {
      return refused(io, error)
    }
  },
}

/** The keys to trust: those named, else the configuration's, as `nexora serve` trusts them (the demo key in dev mode). */
async function trustedKeys(files: string | undefined): Promise<readonly JWK[]> {
  if (files) return (await Promise.all(files.split(',').map((f) => readPublicKeys(f.trim())))).flat()
  const config = await withTrustedKeysFile(await loadServeConfig(undefined), (path) => readFile(path, 'utf8'))
  return modelSignaturesFrom(config).trustedKeys ?? []
}

export const verifyModel = {
  usage: `nexora models verify [--keys public.jwk[,…]] <model directory | manifest.json | name[@version]> [--db URL]
      Checks a model's signature against trusted public keys (JWK or JWK Set files; default the
      keys \`nexora serve\` trusts: models.trustedKeys, and the demo key in dev mode) and its files
      against their sha256. A path checks the files beside it; otherwise a registered version in the
      database (default production, else latest). Prints {"ok":true,...} and exits 0, or
      {"ok":false,"code":...} and exits 1 (model.unsigned, model.signature_untrusted, model.signature_invalid).`,
  async run(argv: string[], io: Io) {
    const { values, positionals } = parseFlags(argv, { keys: { type: 'string' }, db: { type: 'string' } })
    const target = onePath(positionals, 'model directory, manifest.json or name@version')
    const keys = await trustedKeys(values.keys)
    if (existsSync(target)) {
      if (values.db) throw new UsageError('--db is for a registered version (name@version), not a path')
      const model = readModelDir(target)
      try {
        await checkDirFiles(model.manifest, readModelFiles(model), model.manifestPath)
        const { jws: _jws, ...signature } = await verifyManifestSignature(model.manifest, keys)
        io.out(JSON.stringify({ ok: true, model: model.manifest.name, version: model.manifest.version, ...signature }))
        return 0
      } catch (error) {
        return refused(io, error)
      }
    }
    const ref = parseModelRef(target)
    const nexora = await openNexora(values.db, { models: false })
    try {
      const stored = await nexora.registry.resolve(ref.name, ref.version ? { version: ref.version } : {})
      const files = await nexora.ports.get('modelStore').getFiles(stored.name, stored.version)
      await checkDirFiles(stored.manifest, files ?? {}, `${stored.name}@${stored.version}`)
      const { jws: _jws, ...signature } = await verifyManifestSignature(stored.manifest, keys)
      io.out(JSON.stringify({ ok: true, model: stored.name, version: stored.version, ...signature }))
      return 0
    } catch (error) {
      return refused(io, error)
    } finally {
      await nexora.close()
    }
  },
}
