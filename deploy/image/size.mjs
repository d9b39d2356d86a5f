#!/usr/bin/env node
/**
 * `node deploy/image/size.mjs [--tarball FILE | --rootfs DIR] [--extra "PEER ..."] [--smoke] [--keep]`: the container
 * image's final stage assembled without a container engine, by the Dockerfile's own steps
 * (install-app.sh, rootfs.sh), measured against the budget; exit 1 over it. `--smoke` (root only) then
 * runs it: `chroot --userspec=10001:10001` into the tree, where only /data and /tmp are the user's, with
 * NODE_ENV=production, first without a key set (the server must refuse to start), then with one (it must
 * answer /health/ready). About a minute with the pack (prepack builds the web UI and dist/); seconds with
 * --tarball. A script rather than a test: it packs and installs, which is too slow for the suites.
 */
import { execFileSync, spawn } from 'node:child_process'
import { lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

/** The final stage with the default peers, uncompressed (what `docker image ls` shows). docs/deploy/README.md. */
export const IMAGE_BUDGET_BYTES = 260_000_000
const UID = '10001'
const here = new URL('.', import.meta.url).pathname
const root = join(here, '../..')

const { values } = parseArgs({
  options: { tarball: { type: 'string' }, extra: { type: 'string' }, smoke: { type: 'boolean' }, keep: { type: 'boolean' }, rootfs: { type: 'string' } },
})
const scratch = mkdtempSync(join(tmpdir(), 'nexora-image-'))
// --rootfs: an existing tree instead, such as a built image's (`buildah mount $(buildah from nexora:0.1.0)`).
const rootfs = values.rootfs ?? join(scratch, 'rootfs')
const sh = (script, args) => execFileSync('sh', [join(here, script), ...args], { stdio: ['ignore', 'inherit', 'inherit'] })

/** Bytes of regular files under dir (links counted once, as a layer stores them). */
function bytesUnder(dir) {
  let total = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) total += bytesUnder(path)
    else if (entry.isFile()) total += lstatSync(path).size
  }
  return total
}

async function main() {
  const started = performance.now()
  if (!values.rootfs) {
    let tarball = values.tarball
    if (!tarball) {
      const out = execFileSync('npm', ['pack', '--pack-destination', scratch, '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 })
      tarball = join(scratch, JSON.parse(out.slice(out.indexOf('[')))[0].filename)
    }
    sh('install-app.sh', [tarball, join(rootfs, 'app'), ...(values.extra ?? '').split(/\s+/).filter(Boolean)])
    sh('rootfs.sh', [rootfs, UID])
  }
  const modules = join(rootfs, 'app/node_modules')
  const total = bytesUnder(rootfs)
  const app = bytesUnder(join(rootfs, 'app'))
  // Outside /app: the Node binary, its libraries and two small /etc files.
  const parts = { total, node: total - app, app: app - bytesUnder(modules), node_modules: bytesUnder(modules) }
  const packages = readdirSync(modules)
    .filter((n) => !n.startsWith('.'))
    .flatMap((n) => (n.startsWith('@') ? readdirSync(join(modules, n)).map((m) => `${n}/${m}`) : [n]))
    .map((n) => [n, bytesUnder(join(modules, n))])
    .sort((a, b) => b[1] - a[1])
  const mb = (n) => `${(n / 1e6).toFixed(1)} MB`
  console.log(
    `image tree ${mb(parts.total)} (budget ${mb(IMAGE_BUDGET_BYTES)}): Node and its libraries ${mb(parts.node)}, ` +
      `nexora ${mb(parts.app)}, node_modules ${mb(parts.node_modules)} in ${packages.length} packages`,
  )
  console.log(
    `largest: ${packages
      .slice(0, 8)
      .map(([n, b]) => `${n} ${mb(b)}`)
      .join(', ')}`,
  )
  if (values.smoke) await smoke()
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`)
  if (!values.extra && parts.total > IMAGE_BUDGET_BYTES) {
    console.error(`over budget by ${mb(parts.total - IMAGE_BUDGET_BYTES)}`)
    process.exitCode = 1
  }
}

/** Runs `nexora serve` as the image would, in a chroot as UID; resolves with its exit code or 'ready'. */
function serveInChroot(env, port) {
  return new Promise((resolve, reject) => {
    const args = ['--userspec', `${UID}:${UID}`, rootfs, '/usr/local/bin/node', '/app/bin/nexora.mjs', 'serve', '--port', String(port)]
    const child = spawn('/usr/sbin/chroot', args, {
      env: { PATH: '/usr/local/bin', HOME: '/data', NODE_ENV: 'production', NEXORA_DATA_DIR: '/data', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.once('error', reject)
    child.once('exit', (code) => resolve({ result: code, stderr }))
    const poll = setInterval(async () => {
      const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.ok,
        () => false,
      )
      if (!ok) return
      clearInterval(poll)
      child.kill('SIGTERM')
      resolve({ result: 'ready', stderr })
    }, 250)
    child.once('exit', () => clearInterval(poll))
    setTimeout(() => child.kill('SIGKILL'), 60_000).unref()
  })
}

async function smoke() {
  if (process.getuid?.() !== 0) throw new Error('--smoke needs root (chroot)')
  const refused = await serveInChroot({ NEXORA_DB: 'file:/data/nexora.db' }, 18_931)
  if (refused.result === 'ready' || refused.result === 0) throw new Error('production started without a key set')
  console.log(`production without keys: exit ${refused.result} (${refused.stderr.trim().split('\n').at(-1)})`)
  // A public key set only: the server verifies tokens; nobody needs to sign one for readiness.
  const { generateKeyPair, exportJWK } = await import('jose')
  const { publicKey } = await generateKeyPair('ES384')
  writeFileSync(join(rootfs, 'data/jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'smoke', alg: 'ES384', use: 'sig' }] }))
  // Tracing on, as deploy/k8s has it, so the OpenTelemetry SDK must load from the tree (nothing listens on port 9).
  const keyed = {
    NEXORA_DB: 'file:/data/nexora.db',
    NEXORA_JWKS_FILE: '/data/jwks.json',
    NEXORA_JWT_ISSUERS: 'https://idp.example',
    NEXORA_JWT_AUDIENCE: 'nexora',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
  }
  const served = await serveInChroot(keyed, 18_932)
  if (served.result !== 'ready') throw new Error(`production did not get ready: exit ${served.result}\n${served.stderr}`)
  const tracing = served.stderr.includes('tracing: spans go to') ? ', tracing on' : ''
  console.log(`production with a key set${tracing}, as ${UID} in a chroot: /health/ready 200`)
}

try {
  await main()
} finally {
  if (values.keep) console.log(`kept ${rootfs}`)
  else rmSync(scratch, { recursive: true, force: true })
}
