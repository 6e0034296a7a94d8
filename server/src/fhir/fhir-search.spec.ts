// FHIR search parameter rules: date prefixes over ranges, tokens, references, paging cursors (hand-computed cases).
import { dateParam, meetsDates, pageRequestOf, referenceParam, searchsetBundle, tokenParam } from './fhir-search';
import { FhirError } from './fhir-error';

const ms = (iso: string): number => Date.parse(iso);

describe('date search parameter', () => {
  // A day covers [00:00, 24:00) UTC; an instant covers its second.
  it.each([
    ['2026-03-01', '2026-03-01T12:00:00Z', true],
    ['2026-03-01', '2026-03-02T00:00:00Z', false],
    ['eq2026-03', '2026-03-31T23:59:59Z', true],
    ['eq2026', '2027-01-01T00:00:00Z', false],
    ['gt2026-03-01', '2026-03-02T00:00:00Z', true],
    ['gt2026-03-01', '2026-03-01T23:00:00Z', false],
    ['ge2026-03-01', '2026-03-01T00:00:00Z', true],
    ['lt2026-03-01', '2026-02-28T23:59:59Z', true],
    ['lt2026-03-01', '2026-03-01T00:00:00Z', false],
    ['le2026-03-01', '2026-03-01T23:59:59Z', true],
    ['ne2026-03-01', '2026-03-01T10:00:00Z', false],
    ['ge2026-03-01T10:00:00+01:00', '2026-03-01T09:00:00Z', true],
    ['ge2026-03-01T10:00:00+01:00', '2026-03-01T08:59:59Z', false],
  ])('%s against %s: %s', (value, instant, expected) => {
    expect(meetsDates(dateParam({ date: value }, 'date'), ms(instant))).toBe(expected);
  });

  it('ANDs a repeated parameter into a range, and compares a period by its ends', () => {
    const range = dateParam({ date: ['ge2026-03-01', 'lt2026-04-01'] }, 'date');
    expect(meetsDates(range, ms('2026-03-15T00:00:00Z'))).toBe(true);
    expect(meetsDates(range, ms('2026-04-01T00:00:00Z'))).toBe(false);
    // An open period (an alert not resolved) still reaches after any date.
    expect(meetsDates(dateParam({ date: 'ge2030-01-01' }, 'date'), ms('2026-01-01T00:00:00Z'), null)).toBe(true);
    expect(meetsDates(range, null)).toBe(false);
  });

  it.each(['2026-02-30', '2026-13', 'yesterday', 'ge', '2026-03-01T10:00:00'])('refuses %s naming the parameter', (value) => {
    expect(() => dateParam({ date: value }, 'date')).toThrow(expect.objectContaining({ status: 400, expression: 'date' }) as FhirError);
  });
});

describe('token and reference parameters', () => {
  it('reads system|code, |code and code, comma meaning or', () => {
    expect(tokenParam({ identifier: 'urn:x|A1,B2' }, 'identifier')).toEqual([
      { system: 'urn:x', code: 'A1' },
      { system: null, code: 'B2' },
    ]);
    expect(tokenParam({ identifier: '|A1' }, 'identifier')).toEqual([{ system: '', code: 'A1' }]);
    expect(() => tokenParam({ identifier: 'urn:x|' }, 'identifier')).toThrow(FhirError);
  });

  it('takes Patient/<id>, <id> or a full URL, and refuses another resource type', () => {
    expect(referenceParam({ patient: 'Patient/AB-1,cd-2,http://h/fhir/Patient/ef-3' }, 'patient', 'Patient')).toEqual([
      'ab-1',
      'cd-2',
      'ef-3',
    ]);
    expect(() => referenceParam({ patient: 'Device/ab-1' }, 'patient', 'Patient')).toThrow(
      expect.objectContaining({ expression: 'patient' }) as FhirError,
    );
  });
});

describe('paging', () => {
  const resources = ['c', 'a', 'e', 'b', 'd'].map((id) => ({ resourceType: 'Patient' as const, id }));
  const search = { baseUrl: 'http://h/fhir', resourceType: 'Patient', query: { _count: '2', identifier: 'x' } };

  it('walks the matches in id order, page by page through the next link, with the total on each', () => {
    const seen: string[] = [];
    let query: Record<string, unknown> = { _count: '2' };
    for (let pages = 0; pages < 5; pages++) {
      const { bundle } = searchsetBundle(resources, pageRequestOf(query), { ...search, query });
      expect(bundle.total).toBe(5);
      seen.push(...(bundle.entry ?? []).map((e) => e.resource!.id as string));
      const next = bundle.link?.find((l) => l.relation === 'next')?.url;
      if (!next) break;
      query = Object.fromEntries(new URL(next).searchParams);
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('keeps the other parameters in the links and refuses a forged cursor or count', () => {
    const { bundle } = searchsetBundle(resources, pageRequestOf(search.query), search);
    expect(bundle.link?.[0]).toEqual({ relation: 'self', url: 'http://h/fhir/Patient?_count=2&identifier=x' });
    expect(bundle.link?.[1].url).toMatch(/^http:\/\/h\/fhir\/Patient\?identifier=x&_cursor=[A-Za-z0-9_-]+&_count=2$/);
    expect(() => pageRequestOf({ _cursor: 'abc' })).toThrow(expect.objectContaining({ expression: '_cursor' }) as FhirError);
    expect(() => pageRequestOf({ _count: '501' })).toThrow(expect.objectContaining({ expression: '_count' }) as FhirError);
  });
});
