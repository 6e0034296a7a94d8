// The fleet filter: one query matched against patient name, MRN, pump serial and model, regardless of accents or case.
import { PUMP_MODELS, PumpModelId } from '../clinical-config';

/** Lower case without diacritics ("Chloé" -> "chloe"), so a nurse finds a patient whatever the keyboard. */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('en');
}

export interface FleetSearchable {
  patient: { displayName: string; mrn: string };
  pump: { serialNumber: string; modelId: PumpModelId };
}

/** Every whitespace-separated word of `query` must occur in one of the row's searchable texts (an empty query matches all). */
export function fleetRowMatchesQuery(row: FleetSearchable, query: string): boolean {
  const words = foldForSearch(query)
    .split(/\s+/)
    .filter((w) => w.length > 0);
  if (words.length === 0) return true;
  const model = PUMP_MODELS[row.pump.modelId];
  const haystack = foldForSearch(
    [row.patient.displayName, row.patient.mrn, row.pump.serialNumber, row.pump.modelId, model?.name ?? ''].join('\n'),
  );
  return words.every((word) => haystack.includes(word));
}
