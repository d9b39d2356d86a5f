/**
 * A real `nexora serve` for fuzzing every front door at once: dev mode on a libSQL file in a
 * temporary data folder, the h2c gRPC listener on a free port, and CDS Hooks trusting one EHR
 * whose key set is configured inline (NEXORA_CDS_HOOKS_CONFIG). Tokens for the API are signed
 * with the dev key the server made, each for a subject of the caller's choosing, so every
 * subject has its own rate buckets; CDS Client JWTs are signed with the EHR's key.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { importJWK, SignJWT, type JWK } from 'jose'
import { DEV_AUDIENCE, DEV_ISSUER, loadOrCreateDevIdentity } from '../plugins/auth-jwt/node.ts'
import { makeKey } from './tokens.ts'

/** The CDS Hooks base URL the server is configured with: JWT audiences are built on it. */
export const CDS_BASE = 'https://cds.nexora.test'
export const CDS_ISSUER = 'https://ehr.fuzz.test'
const DEV_SCOPES = 'nexora/admin nexora/predict nexora/models.read nexora/models.write nexora/audit.read nexora/deid nexora/metrics nexora/monitor'

export interface FuzzServer {
  child: ChildProcess
  dir: string
  /** The database URL (`file:<dir>/nexora.db`). */
  db: string
  /** The HTTP port's base URL. */
  url: string
  /** The h2c listener's base URL (gRPC, gRPC-Web and Connect). */
  grpcUrl: string
  exited: Promise<number | null>
  stderr(): string
  /** An API token with every dev scope for `subject`; extra claims override (e.g. a SMART `patient`). Cached per subject when no claims are given. */
  token(subject: string, claims?: Record<string, unknown>): Promise<string>
  /** A CDS Client JWT from the trusted EHR for a call to `pathname` (as the server's URL parser sees it). */
  cdsToken(pathname: string): Promise<string>
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>
}

/** Start the server; resolves once both listeners are up. */
export async function startFuzzServer(dir: string, env: Record<string, string> = {}): Promise<FuzzServer> {
  // The dev identity is made here first, so the test can sign tokens with its key.
  await loadOrCreateDevIdentity(dir)
  const dev = JSON.parse(readFileSync(join(dir, 'dev-keys.json'), 'utf8')) as { kid: string; privateJwk: JWK }
  const devKey = await importJWK(dev.privateJwk, 'ES384')
  const ehr = await makeKey('ES384', 'ehr-fuzz-1')
  const cdsConfig = join(dir, 'cds-hooks.json')
  writeFileSync(cdsConfig, JSON.stringify({ baseUrl: CDS_BASE, clients: [{ iss: CDS_ISSUER, jwks: { keys: [ehr.jwk] } }] }))

  const db = `file:${join(dir, 'nexora.db')}`
  const child = spawn(process.execPath, [new URL('../bin/nexora.mjs', import.meta.url).pathname, 'serve', '--port', '0', '--grpc-port', '0', '--db', db], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NEXORA_DATA_DIR: dir,
      NEXORA_CDS_HOOKS_CONFIG: cdsConfig,
      NEXORA_DEV_FHIR_PATIENTS: '20',
      NEXORA_LOG_LEVEL: 'warn',
      // Fuzzed tokens fail authentication by design: a roomy budget keeps the run from waiting out 429s.
      NEXORA_RATE_LIMITS: JSON.stringify({
        unauthenticated: { capacity: 10_000, refillPerSecond: 1000 },
        predict: { capacity: 10_000, refillPerSecond: 1000 },
        read: { capacity: 10_000, refillPerSecond: 1000 },
      }),
      ...env,
    },
  })
  let text = ''
  child.stdout!.resume()
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const [url, grpcUrl] = await new Promise<[string, string]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 60 s: ${text}`)), 60_000)
    child.stderr!.on('data', (chunk) => {
      text += chunk
      const http = /listening on (http:\/\/localhost:\d+)/.exec(text)
      const grpc = /gRPC: +(http:\/\/[\d.]+:\d+) \(h2c\)/.exec(text)
      if (http && grpc) {
        clearTimeout(timer)
        resolve([http[1]!.replace('localhost', '127.0.0.1'), grpc[1]!])
      }
    })
    void exited.then((code) => reject(new Error(`server exited early with ${code}: ${text}`)))
  })

  const cache = new Map<string, Promise<string>>()
  const now = () => Math.floor(Date.now() / 1000)
  const token = (subject: string, claims?: Record<string, unknown>) => {
    const make = () =>
      new SignJWT({ scope: DEV_SCOPES, roles: ['dev'], ...claims })
        .setProtectedHeader({ alg: 'ES384', kid: dev.kid, typ: 'JWT' })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setSubject(subject)
        .setIssuedAt(now())
        .setExpirationTime(now() + 3600)
        .sign(devKey)
    if (claims) return make()
    let cached = cache.get(subject)
    if (!cached) cache.set(subject, (cached = make()))
    return cached
  }
  const cdsToken = (pathname: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES384', kid: ehr.kid, typ: 'JWT' })
      .setIssuer(CDS_ISSUER)
      .setAudience(`${CDS_BASE}${pathname}`)
      .setIssuedAt(now())
      .setExpirationTime(now() + 300)
      .setJti(crypto.randomUUID())
      .sign(ehr.privateKey)
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM')
    return exited
  }
  return { child, dir, db, url, grpcUrl, exited, stderr: () => text, token, cdsToken, stop }
}
