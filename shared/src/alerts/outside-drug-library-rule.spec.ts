// outside_drug_library: the pump's reported daily dose and keyed concentration against the clinic's drug library (hard limits only).
import { DEFAULT_DRUG_LIBRARY, resolveDrugLibrary } from '../clinical-safety/drug-library';
import type { PumpTelemetryStatus } from '../telemetry/pump-telemetry-status';
import { deriveTelemetryStatus, PumpTelemetryFacts } from '../telemetry/telemetry-status';
import { evaluatePumpAlerts } from './evaluate-pump';
import { outsideDrugLibraryFinding } from './telemetry-rules';

const AT = '2026-06-01T08:00:00.000Z';
const telemetry = (dose: number | null, concentration: number | null) =>
  ({
    reportedProgram: {
      doseMcgPerDay: dose === null ? null : { value: dose, recordedAt: AT },
      concentrationMcgPerMl: concentration === null ? null : { value: concentration, recordedAt: AT },
    },
  }) as PumpTelemetryStatus;
const judge = (
  dose: number | null,
  concentration: number | null,
  origin: 'spinal' | 'cerebral' | null = 'spinal',
  modelId: 'synchromed-ii-20' | 'prometra-ii-20' = 'synchromed-ii-20',
  library = DEFAULT_DRUG_LIBRARY,
) =>
  outsideDrugLibraryFinding({
    now: AT,
    timeZone: 'UTC',
    telemetry: telemetry(dose, concentration),
    drugLibrary: { library, modelId, spasticityOrigin: origin },
  });

describe('outside_drug_library', () => {
  it.each([
    // [reported mcg/day, reported mcg/mL, origin, model, fields at fault]
    [2000, 2000, 'spinal', 'synchromed-ii-20', null], // at the spinal hard limit and the highest labelled concentration
    [2001, 500, 'spinal', 'synchromed-ii-20', ['programDoseMcgPerDay']],
    [1500, 500, 'spinal', 'synchromed-ii-20', null], // above the soft limit only: confirmed at programming, no alert
    [1000, 500, 'cerebral', 'synchromed-ii-20', null],
    [1001, 500, null, 'synchromed-ii-20', ['programDoseMcgPerDay']], // origin not recorded: cerebral hard limit 1000
    [300, 50, 'spinal', 'synchromed-ii-20', null], // screening strength on SynchroMed: soft only
    [300, 50, 'spinal', 'prometra-ii-20', ['programConcentrationMcgPerMl']], // Prometra not labelled for it
    [300, 20000, 'spinal', 'synchromed-ii-20', ['programConcentrationMcgPerMl']],
    [5000, 20000, 'spinal', 'synchromed-ii-20', ['programConcentrationMcgPerMl', 'programDoseMcgPerDay']],
    [null, null, 'spinal', 'synchromed-ii-20', null], // nothing reported
  ] as const)('%s mcg/day at %s mcg/mL (%s, %s)', (dose, concentration, origin, modelId, fields) => {
    const finding = judge(dose, concentration, origin, modelId);
    expect(finding === null ? null : finding.facts.fields).toEqual(fields);
    if (finding)
      expect(finding).toMatchObject({ kind: 'outside_drug_library', severity: 'critical', title: 'Pump outside the drug library' });
  });

  it("uses the clinic's own library", () => {
    const library = resolveDrugLibrary({ dailyDoseMcgPerDay: { spinal: { hard: 1200 } } });
    expect(judge(1300, 500, 'spinal', 'synchromed-ii-20', library)?.message).toMatch(
      /^The pump reports a setting beyond the drug library's hard limits\. The daily dose for spinal origin: 1300 mcg\/day is above the drug library's hard limit of 1200 mcg\/day/,
    );
    expect(judge(1300, 500, 'spinal', 'synchromed-ii-20')).toBeNull();
  });

  it('is not judged without a library', () => {
    expect(outsideDrugLibraryFinding({ now: AT, timeZone: 'UTC', telemetry: telemetry(50000, null) })).toBeNull();
  });

  it('reads the telemetry status, ignoring a reading taken before the program on record', () => {
    const facts: PumpTelemetryFacts = {
      pumpId: 'p',
      modelId: 'synchromed-ii-20',
      implantDate: '2025-01-10',
      timeZone: 'UTC',
      settings: {
        staleAfterHours: 24,
        replacementMarginDays: 30,
        programMismatchTolerancePercent: 1,
        programMismatchToleranceMcgPerDay: 1,
      } as PumpTelemetryFacts['settings'],
      lastContactAt: AT,
      readingsLast7Days: 1,
      readingsInWindowBeforeLastContact: 1,
      latestBatteryStatus: null,
      latestAlarms: null,
      latestProgramDoseMcgPerDay: { value: 5000, recordedAt: AT },
      latestProgramConcentrationMcgPerMl: null,
      latestReservoirVolumeMl: null,
      firstEriAt: null,
      firstEndOfServiceAt: null,
      programInForce: { doseMcgPerDay: 5000, effectiveFrom: '2026-05-01T08:00:00Z' },
      fillInForce: null,
      reconciliations: [],
      pendingMriEventIds: [],
    };
    const status = deriveTelemetryStatus(facts, new Date(AT));
    expect(status.reportedProgram?.doseMcgPerDay).toEqual({ value: 5000, recordedAt: AT });
    const later = deriveTelemetryStatus(
      { ...facts, programInForce: { doseMcgPerDay: 400, effectiveFrom: '2026-06-01T09:00:00Z' } },
      new Date(AT),
    );
    expect(later.reportedProgram?.doseMcgPerDay).toBeNull();

    const evaluation = evaluatePumpAlerts({
      now: AT,
      timeZone: 'UTC',
      explanted: false,
      forecast: {
        status: 'ok',
        volumeMl: 10,
        worstCase: { emptyAt: null },
        refillDeadline: '2026-08-01T00:00:00Z',
        deadlineReason: 'low_reservoir',
        lowReservoirAlarmMl: 2,
      },
      settings: { warningHorizonDays: 21, bookingMarginDays: 2 },
      telemetryKnown: true,
      telemetry: status,
      drugLibrary: { library: DEFAULT_DRUG_LIBRARY, modelId: 'synchromed-ii-20', spasticityOrigin: 'spinal' },
    });
    expect(evaluation.evaluatedKinds).toContain('outside_drug_library');
    expect(evaluation.findings.map((f) => f.kind)).toContain('outside_drug_library');
  });
});
