import { fleetRowMatchesQuery, foldForSearch } from './fleet-search';

const row = {
  patient: { displayName: 'Chloé Dubois', mrn: 'MRN-0042' },
  pump: { serialNumber: 'PRM-88121', modelId: 'prometra-ii-20' as const },
};

describe('fleet search', () => {
  it('folds accents and case', () => {
    expect(foldForSearch('Chloé ÉLODIE')).toBe('chloe elodie');
  });
  it.each([
    ['chloe', true],
    ['CHLOÉ', true],
    ['dubois chloe', true],
    ['prometra', true],
    ['mrn-0042', true],
    ['88121', true],
    ['', true],
    ['synchromed', false],
    ['chloe martin', false],
  ])('"%s" matches: %s', (query, expected) => {
    expect(fleetRowMatchesQuery(row, query)).toBe(expected);
  });
});
