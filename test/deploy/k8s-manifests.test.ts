/**
 * deploy/k8s as a cluster would get it: rendered by `kubectl kustomize` (offline), every object checked
 * against the Kubernetes OpenAPI schemas (kubernetes-models), then the properties the deployment relies on:
 * non-root, read-only containers with nothing but /data and /tmp writable, probes on the health routes,
 * egress only to DNS, PostgreSQL, the FHIR server and the OTLP collector, placeholder-only Secrets that a
 * pod refuses to start with, and Prometheus files identical to docs/deploy/.
 */
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Deployment } from 'kubernetes-models/apps/v1'
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'

const run = promisify(execFile)
const ROOT = new URL('../../', import.meta.url).pathname
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8')

// Rendered manifests are plain JSON: the schemas below check their shape, the tests read them loosely.
type Obj = Record<string, any>
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
}

/**
 * The machine's kubectl minor version, or why there is none. The CI image ships kubectl 1.32 (kustomize v5);
 * Debian's own `kubernetes-client` is 1.20, whose kustomize v2.0.3 predates `envs`, `labels` and directory
 * resources, so it cannot stand in (scripts/provision-test-deps.mjs says so when kubectl is missing).
 */
function kubectlMinor(): number | string {
  try {
    const out = execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    return Number.parseInt((JSON.parse(out) as { clientVersion: { minor: string } }).clientVersion.minor, 10)
  } catch (e) {
    return `kubectl is not runnable here (${(e as Error).message.split('\n')[0]})`
  }
}
const minor = kubectlMinor()
const missing = typeof minor === 'string' ? minor : minor < 22 ? `kubectl 1.${minor} is too old: deploy/k8s needs 1.22 or later (kustomize 4.1+)` : undefined
if (missing) console.warn(`test/deploy/k8s-manifests.test.ts skipped: ${missing}`)

let objects: Obj[]
beforeAll(async () => {
  if (missing) return
  const { stdout } = await run('kubectl', ['kustomize', join(ROOT, 'deploy/k8s')])
  objects = parseAllDocuments(stdout).map((d) => d.toJSON() as Obj)
})

const all = (kind: string) => objects.filter((o) => o.kind === kind)
const one = (kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name)
  if (!found) throw new Error(`no ${kind} ${name} in the render`)
  return found
}
const pods = () =>
  all('Deployment').map((d) => ({ name: d.metadata.name as string, spec: d.spec.template.spec as Obj, labels: d.spec.template.metadata.labels }))
const containersOf = (spec: Obj): Obj[] => [...(spec.initContainers ?? []), ...spec.containers]
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v)

describe.skipIf(missing)('deploy/k8s renders to valid Kubernetes objects', () => {
  it('every object is of a known kind and passes its schema', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      expect.arrayContaining(['Deployment/nexora-api', 'Deployment/nexora-worker', 'HorizontalPodAutoscaler/nexora-api', 'NetworkPolicy/nexora-api']),
    )
    for (const o of objects) {
      const Model = MODELS[`${o.apiVersion}/${o.kind}`]
      expect(Model, `${o.apiVersion} ${o.kind}`).toBeDefined()
      expect(() => new Model!(o as never).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow()
    }
  })

  it('the schema check is real: a malformed Deployment fails it', () => {
    const broken = structuredClone(one('Deployment', 'nexora-api'))
    broken.spec.replicas = 'two'
    expect(() => new Deployment(broken as never).validate()).toThrow()
  })

  it('every reference resolves: ConfigMaps (hash-suffixed), Secrets and their keys, the image tag', () => {
    const names = (kind: string) => new Set(all(kind).map((o) => o.metadata.name))
    for (const { name, spec } of pods()) {
      for (const c of containersOf(spec)) {
        expect(c.image, `${name}/${c.name}`).toMatch(/^nexora:\d+\.\d+\.\d+$/)
        for (const from of c.envFrom ?? []) expect(names('ConfigMap').has(from.configMapRef.name), from.configMapRef.name).toBe(true)
        for (const env of c.env ?? []) {
          const ref = env.valueFrom?.secretKeyRef
          if (ref) expect(Object.keys(one('Secret', ref.name).stringData), `${ref.name}.${ref.key}`).toContain(ref.key)
        }
      }
      for (const v of spec.volumes) {
        if (v.secret) expect(names('Secret').has(v.secret.secretName), v.secret.secretName).toBe(true)
        if (v.configMap) expect(names('ConfigMap').has(v.configMap.name), v.configMap.name).toBe(true)
      }
    }
  })

  it('every setting is a variable docs/configuration.md documents, and every file it names is mounted', () => {
    const config = all('ConfigMap').find((c) => c.metadata.name.startsWith('nexora-config-'))!
    const documented = read('docs/configuration.md')
    const nexoraKeys = Object.keys(config.data).filter((k) => k.startsWith('NEXORA_') || ['NODE_ENV', 'HOST', 'PORT'].includes(k))
    expect(nexoraKeys.length).toBeGreaterThan(10)
    for (const key of nexoraKeys) expect(documented, key).toContain(`\`${key}`)
    expect(config.data.NODE_ENV).toBe('production')
    const api = one('Deployment', 'nexora-api').spec.template.spec
    const mounts: Obj[] = api.containers[0].volumeMounts
    const files = Object.entries(config.data as Record<string, string>).filter(([k, v]) => k.endsWith('_FILE') && v.startsWith('/'))
    expect(files.length).toBeGreaterThanOrEqual(5)
    for (const [key, path] of files) {
      const mount = mounts.find((m) => path.startsWith(`${m.mountPath}/`))
      expect(mount, `${key}=${path}`).toBeDefined()
      const volume = api.volumes.find((v: Obj) => v.name === mount!.name)
      const source = volume.secret
        ? one('Secret', volume.secret.secretName).stringData
        : all('ConfigMap').find((c) => c.metadata.name === volume.configMap.name)!.data
      expect(Object.keys(source), `${key}=${path}`).toContain(path.slice(mount!.mountPath.length + 1))
    }
  })
})

describe.skipIf(missing)('deploy/k8s security properties', () => {
  it('every pod and container runs as a non-root user with a read-only root, no privileges and RuntimeDefault seccomp', () => {
    const dockerUser = /^USER (\d+)/m.exec(read('Dockerfile'))![1]
    for (const { name, spec } of pods()) {
      expect(spec.securityContext, name).toMatchObject({ runAsNonRoot: true, runAsUser: Number(dockerUser), seccompProfile: { type: 'RuntimeDefault' } })
      expect(spec.automountServiceAccountToken, name).toBe(false)
      for (const c of containersOf(spec)) {
        expect(c.securityContext, `${name}/${c.name}`).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        })
        expect(c.securityContext.capabilities.add, `${name}/${c.name}`).toBeUndefined()
        expect(c.resources?.limits?.memory, `${name}/${c.name}`).toBeDefined()
      }
    }
  })

  it('only /data and /tmp are writable, each an emptyDir', () => {
    for (const { name, spec } of pods()) {
      for (const c of containersOf(spec)) {
        const writable = (c.volumeMounts ?? []).filter((m: Obj) => !m.readOnly)
        for (const m of writable) {
          expect(['/data', '/tmp'], `${name}/${c.name} ${m.mountPath}`).toContain(m.mountPath)
          expect(spec.volumes.find((v: Obj) => v.name === m.name).emptyDir, m.name).toBeDefined()
        }
      }
    }
    const env = all('ConfigMap').find((c) => c.metadata.name.startsWith('nexora-config-'))!.data
    expect(env.NEXORA_DATA_DIR).toBe('/data')
  })

  it('the API probes the health routes on its HTTP port; the worker runs `nexora worker`', () => {
    const api = one('Deployment', 'nexora-api').spec.template.spec.containers[0]
    expect(api.args[0]).toBe('serve')
    expect(api.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }])
    expect(api.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' })
    expect(api.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' })
    expect(api.startupProbe.httpGet.path).toBe('/health/live')
    const worker = one('Deployment', 'nexora-worker').spec.template.spec.containers[0]
    expect(worker.args).toEqual(['worker'])
    // The worker gets the database and nothing secret beyond it.
    expect(worker.volumeMounts.map((m: Obj) => m.mountPath).sort()).toEqual(['/data', '/etc/nexora/model-keys', '/tmp'])
  })

  it('the Service, PodDisruptionBudget and autoscaler select the API pods; Prometheus scrapes the Service', () => {
    const apiLabels = one('Deployment', 'nexora-api').spec.template.metadata.labels
    const workerLabels = one('Deployment', 'nexora-worker').spec.template.metadata.labels
    const service = one('Service', 'nexora')
    expect(matches(service.spec.selector, apiLabels) && !matches(service.spec.selector, workerLabels)).toBe(true)
    expect(read('docs/deploy/prometheus.yml')).toContain(`'${service.metadata.name}:${service.spec.ports[0].port}'`)
    const pdb = one('PodDisruptionBudget', 'nexora-api')
    expect(matches(pdb.spec.selector.matchLabels, apiLabels)).toBe(true)
    const hpa = one('HorizontalPodAutoscaler', 'nexora-api')
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nexora-api' })
    // A drain must be able to evict one pod while the autoscaler keeps its minimum.
    expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas)
  })

  it('egress reaches only DNS, PostgreSQL, the FHIR server and the OTLP collector; the API takes ingress on 8000 only', () => {
    const expected = [
      { peer: { namespace: 'kube-system', pod: 'kube-dns' }, ports: ['53/TCP', '53/UDP'] },
      { peer: { pod: 'postgresql' }, ports: ['5432/TCP'] },
      { peer: { ip: '192.0.2.10/32' }, ports: ['443/TCP'] },
      { peer: { namespace: 'observability', pod: 'opentelemetry-collector' }, ports: ['4318/TCP'] },
    ]
    const summarise = (rule: Obj) => {
      // An empty `to` or `ports` would mean "everywhere" / "every port": each rule must name both.
      expect(rule.to?.length, JSON.stringify(rule)).toBe(1)
      expect(rule.ports?.length, JSON.stringify(rule)).toBeGreaterThan(0)
      const [to] = rule.to
      const peer = to.ipBlock
        ? { ip: to.ipBlock.cidr }
        : {
            ...(to.namespaceSelector ? { namespace: to.namespaceSelector.matchLabels['kubernetes.io/metadata.name'] } : {}),
            pod: to.podSelector.matchLabels['k8s-app'] ?? to.podSelector.matchLabels['app.kubernetes.io/name'],
          }
      return { peer, ports: rule.ports.map((p: Obj) => `${p.port}/${p.protocol}`).sort() }
    }
    for (const [name, component] of [
      ['nexora-api', 'api'],
      ['nexora-worker', 'worker'],
    ] as const) {
      const policy = one('NetworkPolicy', name)
      expect(policy.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress'])
      expect(matches(policy.spec.podSelector.matchLabels, one('Deployment', name).spec.template.metadata.labels)).toBe(true)
      expect(policy.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe(component)
      expect(policy.spec.egress.map(summarise)).toEqual(expected)
    }
    expect(one('NetworkPolicy', 'nexora-api').spec.ingress).toEqual([{ ports: [{ port: 8000, protocol: 'TCP' }] }])
    expect(one('NetworkPolicy', 'nexora-worker').spec.ingress ?? []).toEqual([])
  })
})

describe.skipIf(missing)('deploy/k8s secrets and monitoring files', () => {
  let scratch: string
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'nexora-k8s-'))
  })
  afterAll(() => rmSync(scratch, { recursive: true, force: true }))

  it('every Secret value in the base is a CHANGE-ME placeholder, never a real value', () => {
    const secrets = all('Secret')
    expect(secrets.map((s) => s.metadata.name).sort()).toEqual(['nexora-database', 'nexora-keys', 'nexora-metrics-token'])
    expect(Object.keys(one('Secret', 'nexora-keys').stringData).sort()).toEqual(['audit-signing-key.json', 'deid-key', 'jwks.json', 'monitoring-key'])
    for (const s of secrets) {
      expect(s.data, s.metadata.name).toBeUndefined()
      for (const [key, value] of Object.entries(s.stringData as Record<string, string>)) expect(value, `${s.metadata.name}.${key}`).toContain('CHANGE-ME')
    }
  })

  it('the init containers refuse a pod whose Secrets still hold a placeholder, and pass real ones', () => {
    const guards = pods().map(({ spec }) => spec.initContainers.find((c: Obj) => c.name === 'refuse-placeholders'))
    expect(guards).toHaveLength(2)
    // One script in both Deployments, so a fix to one cannot miss the other.
    expect(guards[0].command.slice(0, 3)).toEqual(guards[1].command.slice(0, 3))
    const script = guards[0].command[2] as string
    const guard = (files: Record<string, string>, env: Record<string, string>) => {
      const dir = mkdtempSync(join(scratch, 'secrets-'))
      for (const [name, value] of Object.entries(files)) writeFileSync(join(dir, name), value)
      try {
        execFileSync(process.execPath, ['-e', script, dir], { env: { PATH: process.env.PATH, ...env }, stdio: 'pipe' })
        return 'started'
      } catch (e) {
        return String((e as { stderr: Buffer }).stderr)
      }
    }
    const placeholders = one('Secret', 'nexora-keys').stringData as Record<string, string>
    const database = one('Secret', 'nexora-database').stringData as Record<string, string>
    expect(guard(placeholders, { NEXORA_DB: database.url! })).toMatch(/placeholder secrets.*deid-key.*NEXORA_DB/)
    const real = Object.fromEntries(Object.keys(placeholders).map((k) => [k, `${k}-generated-0123456789abcdef`]))
    expect(guard(real, { NEXORA_DB: database.url! })).toMatch(/placeholder secrets \(.*\): NEXORA_DB$/m)
    expect(guard(real, { NEXORA_DB: 'postgres://nexora:s3cret@db:5432/nexora' })).toBe('started')
  })

  it('the Prometheus ConfigMaps are the files in docs/deploy, byte for byte, under fixed names', () => {
    expect(one('ConfigMap', 'nexora-prometheus-config').data).toEqual({ 'prometheus.yml': read('docs/deploy/prometheus.yml') })
    expect(one('ConfigMap', 'nexora-prometheus-rules').data).toEqual({ 'alerts.yml': read('docs/deploy/alerts.yml') })
  })
})
