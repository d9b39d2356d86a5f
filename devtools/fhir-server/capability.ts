import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4.js'

export interface CapabilityOptions {
  base: string
  /** Resource types served. */
  types: string[]
  /** Advertise SMART-on-FHIR security with the token endpoint. */
  authEnabled: boolean
  supportsEverything: boolean
  /** Milliseconds since the epoch, for `date`. */
  now: number
}

/** The server's CapabilityStatement (`GET /metadata`). */
export function capabilityStatement({ base, types, authEnabled, supportsEverything, now }: CapabilityOptions): CapabilityStatement {
  const searchParam = [
    { name: '_id', type: 'token' as const },
    { name: 'patient', type: 'reference' as const },
    { name: 'subject', type: 'reference' as const },
    { name: 'code', type: 'token' as const },
    { name: 'date', type: 'date' as const },
  ]
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date(now).toISOString(),
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    software: { name: 'Nexora dev FHIR server' },
    implementation: { description: 'Synthetic data for development and tests', url: base },
    rest: [
      {
        mode: 'server',
        ...(authEnabled
          ? {
              security: {
                service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
                extension: [
                  {
                    url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
                    extension: [{ url: 'token', valueUri: `${base}/auth/token` }],
                  },
                ],
              },
            }
          : {}),
        resource: types.map(
          (type): CapabilityStatementRestResource => ({
            type: type as CapabilityStatementRestResource['type'],
            versioning: 'versioned',
            readHistory: true,
            updateCreate: true,
            interaction: (['read', 'vread', 'update', 'history-instance', 'create', 'search-type'] as const).map((code) => ({ code })),
            searchParam,
            ...(type === 'Patient' && supportsEverything
              ? { operation: [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }] }
              : {}),
          }),
        ),
        interaction: [{ code: 'transaction' }, { code: 'batch' }],
      },
    ],
  }
}
