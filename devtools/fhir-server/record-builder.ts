import type { CodeableConcept, Condition, MedicationRequest, Observation, Quantity, Reference } from 'fhir/r4.js'
import { CONDITIONS, MEDICATIONS, SYSTEMS, VITALS, concept, type ConditionKey, type MedicationKey, type ObservationCode } from './codes.ts'
import { DAY, HOUR, iso, minute, pad, ref, type Profile, type Visit } from './profile.ts'
import { round, type Draw } from './random.ts'

/** Renders one patient's resources; `id` counters keep resource ids readable and stable. */
export class RecordBuilder {
  readonly observations: Observation[] = []
  readonly conditions: Condition[] = []
  readonly medications: MedicationRequest[] = []
  readonly subject: Reference

  constructor(
    private readonly draw: Draw,
    private readonly p: Profile,
  ) {
    this.subject = ref('Patient', p.id)
  }

  private quantity(value: number, code: ObservationCode, unit = code.unit): Quantity {
    return { value: round(value, code.decimals), unit, system: SYSTEMS.ucum, code: unit }
  }

  private observation(code: ObservationCode, at: number, visit: Visit | undefined): Observation {
    return {
      resourceType: 'Observation',
      id: `${this.p.id}-obs-${pad(this.observations.length + 1, 4)}`,
      status: 'final',
      category: [
        { coding: [{ system: SYSTEMS.observationCategory, code: code.category, display: code.category === 'laboratory' ? 'Laboratory' : 'Vital Signs' }] },
      ],
      code: concept(SYSTEMS.loinc, { code: code.loinc, display: code.display }),
      subject: this.subject,
      ...(visit ? { encounter: ref('Encounter', visit.id) } : {}),
      effectiveDateTime: iso(at),
      ...(code.category === 'laboratory' ? { issued: iso(minute(at + 2 * HOUR)) } : {}),
    }
  }

  /** A quantity observation; about 1 % lose their value (most with a dataAbsentReason, some with nothing). */
  measure(code: ObservationCode, at: number, visit: Visit | undefined, value: number, unit?: string): Observation {
    const obs = this.observation(code, at, visit)
    if (this.draw.chance(0.01)) {
      if (this.draw.chance(0.75)) obs.dataAbsentReason = { coding: [{ system: SYSTEMS.dataAbsentReason, code: 'error', display: 'Error' }] }
    } else {
      obs.valueQuantity = this.quantity(value, code, unit)
    }
    this.observations.push(obs)
    return obs
  }

  bloodPressure(at: number, visit: Visit, systolic: number, diastolic: number) {
    this.observations.push({
      ...this.observation(VITALS.bloodPressure, at, visit),
      component: [
        {
          code: concept(SYSTEMS.loinc, { code: VITALS.systolic.loinc, display: VITALS.systolic.display }),
          valueQuantity: this.quantity(systolic, VITALS.systolic),
        },
        {
          code: concept(SYSTEMS.loinc, { code: VITALS.diastolic.loinc, display: VITALS.diastolic.display }),
          valueQuantity: this.quantity(diastolic, VITALS.diastolic),
        },
      ],
    })
  }

  condition(key: ConditionKey, visit: Visit, recordedAt: number, coding: 'both' | 'icd10' | 'snomed') {
    const entry = CONDITIONS[key]
    const codes = [
      ...(entry.icd10 && coding !== 'snomed' ? [{ system: SYSTEMS.icd10cm, code: entry.icd10.code, display: entry.icd10.display }] : []),
      ...(entry.snomed && (coding !== 'icd10' || !entry.icd10) ? [{ system: SYSTEMS.snomed, code: entry.snomed.code, display: entry.snomed.display }] : []),
    ]
    const resolved = !entry.chronic
    this.conditions.push({
      resourceType: 'Condition',
      id: `${this.p.id}-cond-${pad(this.conditions.length + 1, 2)}`,
      clinicalStatus: { coding: [{ system: SYSTEMS.conditionClinical, code: resolved ? 'resolved' : 'active' }] },
      verificationStatus: { coding: [{ system: SYSTEMS.conditionVerification, code: 'confirmed' }] },
      category: [{ coding: [{ system: SYSTEMS.conditionCategory, code: resolved ? 'encounter-diagnosis' : 'problem-list-item' }] }],
      code: { coding: codes, text: (entry.icd10 ?? entry.snomed)!.display } satisfies CodeableConcept,
      subject: this.subject,
      encounter: ref('Encounter', visit.id),
      // Chronic disease usually began before it reached the record; acute problems began days before the visit.
      onsetDateTime: iso(minute(recordedAt - (resolved ? this.draw.uniform(1, 6) : this.draw.uniform(0, 1000)) * DAY)),
      ...(resolved ? { abatementDateTime: iso(minute(visit.end + this.draw.uniform(5, 20) * DAY)) } : {}),
      recordedDate: iso(recordedAt),
    })
  }

  prescribe(key: MedicationKey, at: number, visit: Visit, status: MedicationRequest['status']) {
    const med = MEDICATIONS[key]
    this.medications.push({
      resourceType: 'MedicationRequest',
      id: `${this.p.id}-med-${pad(this.medications.length + 1, 2)}`,
      status,
      intent: 'order',
      medicationCodeableConcept: concept(SYSTEMS.rxnorm, med),
      subject: this.subject,
      encounter: ref('Encounter', visit.id),
      authoredOn: iso(at),
      dosageInstruction: [{ text: med.dose }],
    })
  }
}
