/**
 * The Dockerfile, checked without a container engine (none runs on CI machines): parsed into stages and
 * instructions, then the properties the image promises: a FROM scratch final stage with no shell or npm,
 * a numeric non-root user that owns only /data, production dependencies only, a health check on
 * readiness that works, and the same user as the Kubernetes pods. deploy/image/size.mjs builds the same
 * tree and measures it against the size budget.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const run = promisify(execFile)
const ROOT = new URL('../../', import.meta.url).pathname
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8')

type Instruction = { op: string; args: string }
/** Stages of a Dockerfile: comments dropped, continuation lines joined, ARGs before the first FROM kept apart. */
function parseDockerfile(text: string): { from: string; steps: Instruction[] }[] {
  const lines = text.split('\n').filter((l) => !/^\s*#/.test(l))
  const joined = lines.join('\n').replace(/\\\n/g, ' ')
  const stages: { from: string; steps: Instruction[] }[] = []
  for (const line of joined.split('\n').map((l) => l.trim())) {
    if (!line) continue
    const [, op, args] = /^(\w+)\s+([\s\S]*)$/.exec(line) ?? []
    if (!op) throw new Error(`unparsed Dockerfile line: ${line}`)
    if (op.toUpperCase() === 'FROM') stages.push({ from: args!, steps: [] })
    else stages.at(-1)?.steps.push({ op: op.toUpperCase(), args: args!.replace(/\s+/g, ' ') })
  }
  return stages
}

const stages = parseDockerfile(read('Dockerfile'))
const final = stages.at(-1)!
const build = stages[0]!
const steps = (stage: typeof final, op: string) => stage.steps.filter((s) => s.op === op).map((s) => s.args)

describe('Dockerfile', () => {
  it('has a build stage and a FROM scratch final stage that runs nothing (no shell, npm or package manager in it)', () => {
    expect(stages).toHaveLength(2)
    expect(build.from).toMatch(/^\$\{BUILD_IMAGE\} AS build$/)
    expect(final.from).toBe('scratch')
    expect(steps(final, 'RUN')).toEqual([])
    expect(steps(final, 'COPY').every((c) => c.startsWith('--from=build '))).toBe(true)
  })

  it('runs as a numeric non-root user who owns /data and nothing else', () => {
    const [user] = steps(final, 'USER')
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/)
    const uid = user!.split(':')[0]
    // The only COPY that hands files to the user is the data directory.
    const chowned = steps(final, 'COPY').filter((c) => c.includes('--chown'))
    expect(chowned).toEqual([`--from=build --chown=${user} /rootfs/data/ /data/`])
    // rootfs.sh writes /etc/passwd for the same uid.
    expect(steps(build, 'RUN')).toContain(`sh deploy/image/rootfs.sh /rootfs ${uid}`)
    expect(steps(final, 'VOLUME')).toEqual(['["/data"]'])
  })

  it('builds the web UI and dist/ in the build stage and installs production dependencies only', () => {
    const runs = steps(build, 'RUN')
    expect(runs[0]).toMatch(/^npm ci\b/)
    expect(runs.some((r) => /npm pack\b/.test(r))).toBe(true)
    expect(read('package.json')).toContain('"prepack": "npm run build:site && npm run build"')
    expect(runs.some((r) => r.startsWith('sh deploy/image/install-app.sh /pkg/nexora-*.tgz /rootfs/app'))).toBe(true)
    const installs = read('deploy/image/install-app.sh')
      .split('\n')
      .filter((l) => /^\s*npm (ci|install|i)\b/.test(l))
    expect(installs).toHaveLength(1)
    expect(installs[0]).toContain('--omit=dev')
    expect(installs[0]).toContain('--ignore-scripts')
  })

  it('serves in production on 0.0.0.0 with the data directory on the volume', () => {
    const env = steps(final, 'ENV').join(' ')
    expect(env).toContain('NODE_ENV=production')
    expect(env).toContain('NEXORA_DATA_DIR=/data')
    expect(env).toMatch(/NEXORA_DB=file:\/data\//)
    expect(JSON.parse(steps(final, 'ENTRYPOINT')[0]!)).toEqual(['/usr/local/bin/node', '/app/bin/nexora.mjs'])
    expect(JSON.parse(steps(final, 'CMD')[0]!)).toEqual(['serve', '--host', '0.0.0.0'])
    expect(steps(final, 'EXPOSE')).toEqual(['8000'])
  })

  it('has a health check on /health/ready that exits 0 on 200 and 1 on 503 or no answer', async () => {
    const [check] = steps(final, 'HEALTHCHECK')
    const argv = JSON.parse(/CMD (\[.*\])$/.exec(check!)![1]!) as string[]
    expect(argv.slice(0, 2)).toEqual(['/usr/local/bin/node', '-e'])
    const paths: string[] = []
    let status = 200
    const server = createServer((req, res) => {
      paths.push(req.url!)
      res.writeHead(status).end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = String((server.address() as AddressInfo).port)
    const probe = () =>
      run(process.execPath, argv.slice(1), { env: { ...process.env, PORT: port } }).then(
        () => 0,
        (e: { code: number }) => e.code,
      )
    try {
      expect(await probe()).toBe(0)
      status = 503
      expect(await probe()).toBe(1)
    } finally {
      server.close()
    }
    expect(await probe()).toBe(1)
    expect(paths).toEqual(['/health/ready', '/health/ready'])
  })

  it('runs as the same user as the Kubernetes pods', () => {
    const uid = Number(steps(final, 'USER')[0]!.split(':')[0])
    for (const file of ['deploy/k8s/api-deployment.yaml', 'deploy/k8s/worker-deployment.yaml']) {
      const pod = parse(read(file)).spec.template.spec
      expect(pod.securityContext.runAsUser, file).toBe(uid)
      expect(pod.securityContext.fsGroup, file).toBe(uid)
    }
  })

  it('keeps what a checkout writes at run time (keys, tokens, databases) out of the build context', () => {
    const ignored = read('.dockerignore').split('\n')
    for (const path of ['node_modules', 'dist', 'site/dist', 'data', '.git', '*.db']) expect(ignored, path).toContain(path)
  })
})
