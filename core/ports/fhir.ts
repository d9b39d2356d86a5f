/** A FHIR resource, loosely typed here; the FHIR plugin narrows it with R4 types. */
export interface FhirResource {
  resourceType: string
  id?: string
  [element: string]: unknown
}

/** Read access to a FHIR R4 server (or a Bundle on disk) for one patient's record. */
export interface FhirSource {
  read(type: string, id: string): Promise<FhirResource>
  /** Every match across all pages, following `Bundle.link[next]`. */
  search(type: string, params: Record<string, string>): AsyncIterable<FhirResource>
  everything(patientId: string): Promise<FhirResource[]>
  create(resource: FhirResource): Promise<FhirResource>
  update(resource: FhirResource): Promise<FhirResource>
}
