import type { PhiType } from './types.ts'

/**
 * Each PHI type's HIPAA Safe Harbor category, 45 CFR 164.514(b)(2)(i)(A)–(R).
 * Kept as data so docs, de-identification and audits cite the same mapping.
 * @example
 * SAFE_HARBOR.ZIP // { category: 'B', label: 'Geographic subdivisions smaller than a state…' }
 */
export const SAFE_HARBOR: Readonly<Record<PhiType, { category: string; label: string }>> = {
  NAME: { category: 'A', label: 'Names' },
  ADDRESS: { category: 'B', label: 'Street address (geographic subdivision smaller than a state)' },
  CITY: { category: 'B', label: 'City (geographic subdivision smaller than a state)' },
  ZIP: { category: 'B', label: 'ZIP code (first 3 digits may be kept if the area has > 20,000 people)' },
  LOCATION: { category: 'B', label: 'Other geographic subdivisions: hospitals, clinics, facilities' },
  DATE: { category: 'C', label: 'All elements of dates (except year) related to an individual' },
  AGE: { category: 'C', label: 'Ages over 89 (aggregate to 90 or older)' },
  PHONE: { category: 'D', label: 'Telephone numbers' },
  FAX: { category: 'E', label: 'Fax numbers' },
  EMAIL: { category: 'F', label: 'Email addresses' },
  SSN: { category: 'G', label: 'Social Security numbers' },
  MRN: { category: 'H', label: 'Medical record numbers' },
  HEALTH_PLAN_ID: { category: 'I', label: 'Health plan beneficiary numbers' },
  ACCOUNT: { category: 'J', label: 'Account numbers (incl. payment card numbers)' },
  LICENSE: { category: 'K', label: 'Certificate/license numbers (incl. DEA, driver licence)' },
  VEHICLE_ID: { category: 'L', label: 'Vehicle identifiers and serial numbers, incl. licence plates' },
  DEVICE_ID: { category: 'M', label: 'Device identifiers and serial numbers' },
  URL: { category: 'N', label: 'Web URLs' },
  IP: { category: 'O', label: 'IP addresses' },
  BIOMETRIC_ID: { category: 'P', label: 'Biometric identifiers; also (Q) full-face photographs (FHIR photo)' },
  ID: { category: 'R', label: 'Any other unique identifying number, characteristic or code' },
}
