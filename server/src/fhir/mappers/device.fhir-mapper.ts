// PumpWatch pump -> FHIR Device: model, serial number, active until explanted, the patient it is implanted in, the clinic.
import type { Device } from '@medplum/fhirtypes';
import { PUMP_MODELS } from '@pumpwatch/shared';
import type { Pump } from '@pumpwatch/shared';
import { PUMP_MODEL_SYSTEM, PUMP_SERIAL_SYSTEM } from '../fhir-systems';
import { organizationRef, patientRef } from './fhir-references';

export function toFhirDevice(pump: Pump): Device {
  const model = PUMP_MODELS[pump.modelId];
  return {
    resourceType: 'Device',
    id: pump.id,
    meta: { lastUpdated: pump.explantedAt ?? pump.createdAt },
    identifier: [{ use: 'official', system: PUMP_SERIAL_SYSTEM, value: pump.serialNumber }],
    // An explanted pump stays in the record, no longer in use.
    status: pump.explantedAt ? 'inactive' : 'active',
    ...(pump.explantedAt && pump.explantReason ? { statusReason: [{ text: `explanted: ${pump.explantReason}` }] } : {}),
    manufacturer: model.manufacturer,
    deviceName: [{ name: model.name, type: 'model-name' }],
    modelNumber: pump.modelId,
    serialNumber: pump.serialNumber,
    type: {
      coding: [{ system: PUMP_MODEL_SYSTEM, code: pump.modelId, display: model.name }],
      text: 'Implanted intrathecal drug infusion pump',
    },
    patient: patientRef(pump.patientId),
    owner: organizationRef(pump.clinicId),
    note: [
      {
        text: `Implanted ${pump.implantDate}; reservoir ${pump.reservoirCapacityMl} mL, low-reservoir alarm at ${pump.lowReservoirAlarmMl} mL.`,
      },
    ],
  };
}
