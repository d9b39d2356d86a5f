import { Loading } from '../../ui/states.tsx'

/** SMART on FHIR EHR launch (placeholder until built). */
export default function Launch() {
  return <Loading label="Connecting to the EHR…" />
}
