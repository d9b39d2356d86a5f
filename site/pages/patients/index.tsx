import type { PageProps } from '../../pages.ts'
import { PatientSearch } from './search.tsx'
import { PatientView } from './patient-view.tsx'

/**
 * The patient risk view: `#/patients` searches the FHIR server, `#/patients/<id>` scores the
 * patient with every model that has a FHIR feature spec, explains each score, lists the inputs
 * and where they came from, and the patient's prediction history.
 */
export default function PatientsPage({ session, params, navigate }: PageProps) {
  const [id] = params
  return id ? <PatientView key={id} id={id} session={session} /> : <PatientSearch navigate={navigate} />
}
