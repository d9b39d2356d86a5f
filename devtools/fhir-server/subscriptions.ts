/**
 * FHIR Subscriptions on the dev server: R4 rest-hook, and the R4 Subscriptions Backport IG's
 * rest-hook notification Bundles. A Subscription created `requested` becomes `active` (the server
 * decides, as R4 says); every later create or update whose type matches an active Subscription's
 * `criteria` (`Type` or `Type?patient=…`/`subject=…` equality, the subset the dev server honours)
 * is sent to `channel.endpoint` with `channel.header`:
 * - R4, `channel.payload` set: `PUT {endpoint}/{type}/{id}` with the resource;
 * - R4, no payload: `POST {endpoint}` with no body (the receiver must look);
 * - Backport (`meta.profile` names the backport Subscription profile): `POST {endpoint}` with a
 *   `history` Bundle: a `Parameters` SubscriptionStatus (`event-notification`, the events since
 *   start), then the resource (`full-resource`) or only its `fullUrl` (`id-only`).
 * Deliveries are best effort, as a real server's first attempt is: a failure marks the
 * Subscription `error` with the reason, and `drain()` waits for those in flight.
 */
import { type FhirJson, type FhirStore, patientOf } from './store.ts'

export const BACKPORT_PROFILE = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription'
const PAYLOAD_CONTENT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content'

interface Subscription extends FhirJson {
  status: string
  criteria: string
  channel: { type: string; endpoint?: string; payload?: string; header?: string[]; _payload?: { extension?: { url: string; valueCode?: string }[] } }
}

function matches(sub: Subscription, resource: FhirJson): boolean {
  const [type, query] = sub.criteria.split('?')
  if (type !== resource.resourceType) return false
  for (const [name, value] of new URLSearchParams(query ?? '')) {
    if ((name === 'patient' || name === 'subject') && `Patient/${patientOf(resource)}` !== value && patientOf(resource) !== value) return false
  }
  return true
}

const headersOf = (sub: Subscription) =>
  Object.fromEntries(
    (sub.channel.header ?? []).flatMap((h) => {
      const at = h.indexOf(':')
      return at > 0 ? [[h.slice(0, at).trim(), h.slice(at + 1).trim()]] : []
    }),
  )

/** The store, with Subscriptions honoured: wraps create/update. */
export function withSubscriptions(store: FhirStore, options: { base: () => string; fetch?: typeof fetch; now: () => number }) {
  const doFetch = options.fetch ?? fetch
  const inFlight = new Set<Promise<void>>()
  const sent = new Map<string, number>()

  function activate(resource: FhirJson): FhirJson {
    if (resource.resourceType !== 'Subscription') return resource
    const sub = resource as Subscription
    const ok = sub.channel?.type === 'rest-hook' && typeof sub.channel.endpoint === 'string' && /^https?:\/\//.test(sub.channel.endpoint)
    return { ...sub, status: ok ? 'active' : 'error', ...(ok ? {} : { error: 'only rest-hook channels with an http(s) endpoint are supported' }) }
  }

  async function deliver(sub: Subscription, resource: FhirJson) {
    const endpoint = sub.channel.endpoint!.replace(/\/$/, '')
    const headers: Record<string, string> = headersOf(sub)
    const url = `${options.base()}/${resource.resourceType}/${resource.id}`
    let request: { url: string; init: RequestInit }
    if ((sub.meta as { profile?: string[] } | undefined)?.profile?.includes(BACKPORT_PROFILE)) {
      const content = sub.channel._payload?.extension?.find((e) => e.url === PAYLOAD_CONTENT)?.valueCode ?? 'id-only'
      const events = (sent.get(sub.id!) ?? 0) + 1
      sent.set(sub.id!, events)
      const status = {
        resourceType: 'Parameters',
        parameter: [
          { name: 'subscription', valueReference: { reference: `${options.base()}/Subscription/${sub.id}` } },
          { name: 'topic', valueCanonical: sub.criteria },
          { name: 'status', valueCode: 'active' },
          { name: 'type', valueCode: 'event-notification' },
          { name: 'events-since-subscription-start', valueString: String(events) },
          {
            name: 'notification-event',
            part: [
              { name: 'event-number', valueString: String(events) },
              { name: 'focus', valueReference: { reference: url } },
            ],
          },
        ],
      }
      const entry = content === 'full-resource' ? { fullUrl: url, resource } : { fullUrl: url }
      const bundle = { resourceType: 'Bundle', type: 'history', timestamp: new Date(options.now()).toISOString(), entry: [{ resource: status }, entry] }
      request = { url: endpoint, init: { method: 'POST', headers: { ...headers, 'content-type': 'application/fhir+json' }, body: JSON.stringify(bundle) } }
    } else if (sub.channel.payload) {
      const init = { method: 'PUT', headers: { ...headers, 'content-type': 'application/fhir+json' }, body: JSON.stringify(resource) }
      request = { url: `${endpoint}/${resource.resourceType}/${resource.id}`, init }
    } else {
      request = { url: endpoint, init: { method: 'POST', headers } }
    }
    try {
      const res = await doFetch(request.url, { ...request.init, redirect: 'manual' })
      await res.body?.cancel()
      if (!res.ok) throw new Error(`the endpoint answered ${res.status}`)
    } catch (error) {
      store.update({ ...(store.read('Subscription', sub.id!) as Subscription), id: sub.id!, status: 'error', error: (error as Error).message })
    }
  }

  function notify(resource: FhirJson) {
    if (resource.resourceType === 'Subscription') return
    for (const sub of store.all('Subscription') as Subscription[]) {
      if (sub.status !== 'active' || !matches(sub, resource)) continue
      const run = deliver(sub, resource)
      inFlight.add(run)
      void run.finally(() => inFlight.delete(run))
    }
  }

  const wrapped: FhirStore = {
    ...store,
    create(resource, id) {
      const stored = store.create(activate(resource), id)
      notify(stored)
      return stored
    },
    update(resource) {
      const result = store.update(activate(resource) as FhirJson & { id: string })
      notify(result.resource)
      return result
    },
  }
  return { store: wrapped, drain: async () => void (await Promise.allSettled([...inFlight])) }
}
