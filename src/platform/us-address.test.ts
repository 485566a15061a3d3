import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressLines,
  distanceMiles,
  fieldsOf,
  knownZips,
  MILITARY_STATES,
  parseZip,
  US_STATES,
  US_TERRITORIES,
  validateAddress,
  zipInfo,
  zipMatchesState,
  type AddressFields,
} from './us-address.js';

const blank: AddressFields = {
  kind: '',
  inCareOf: '',
  street: '',
  unit: '',
  city: '',
  state: '',
  zip: '',
  region: '',
  postalCode: '',
  country: '',
};
const us = (over: Partial<AddressFields>): AddressFields => ({
  ...blank,
  kind: 'us',
  street: '111 Massachusetts Ave NW',
  city: 'Washington',
  state: 'DC',
  zip: '20529',
  ...over,
});

const ZIPS = knownZips();
const CIVIL = [...US_STATES, ...US_TERRITORIES].map((s) => s.code);
const zipArb = fc.constantFrom(...ZIPS);

describe('ZIP codes (issue 17: ZIP 5 or ZIP+4, ZIP-to-state from the offline table)', () => {
  it('knows a state for every ZIP code of the table, and every state and territory has ZIP codes', () => {
    expect(ZIPS.length).toBeGreaterThan(40_000);
    const states = new Set(ZIPS.map((z) => z.state));
    for (const z of ZIPS) expect(CIVIL.includes(z.state) || ['AA', 'AE', 'AP'].includes(z.state), z.zip5).toBe(true);
    for (const s of [...US_STATES, ...MILITARY_STATES]) expect(states.has(s.code), s.code).toBe(true);
  });

  it('reads 5 digits or ZIP+4 with a hyphen, a space or nothing between; nothing else', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{5}$/),
        fc.stringMatching(/^\d{4}$/),
        fc.constantFrom('-', ' ', ''),
        (z, p, sep) => {
          expect(parseZip(z)).toEqual({ zip5: z });
          expect(parseZip(`${z}${sep}${p}`)).toEqual({ zip5: z, plus4: p });
        },
      ),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (s) => {
        const ok = /^\s*\d{5}(?:[-\s]?\d{4})?\s*$/.test(s);
        expect(parseZip(s) !== undefined).toBe(ok);
      }),
    );
  });

  it('a ZIP code of the table agrees with its own state only (5 digits and ZIP+4 alike)', () => {
    fc.assert(
      fc.property(zipArb, fc.constantFrom(...CIVIL, 'AA', 'AE', 'AP'), fc.stringMatching(/^\d{4}$/), (z, state, p) => {
        const expected = z.state === state;
        expect(zipMatchesState(z.zip5, state)).toBe(expected);
        expect(zipMatchesState(`${z.zip5}-${p}`, state)).toBe(expected);
      }),
    );
  });

  it('validates a U.S. address whose ZIP code is of the state given, and refuses it with any other state', () => {
    const civil = ZIPS.filter((z) => CIVIL.includes(z.state));
    fc.assert(
      fc.property(fc.constantFrom(...civil), fc.constantFrom(...CIVIL), (z, state) => {
        const r = validateAddress(us({ state, zip: z.zip5, city: 'Somewhere' }), ['us']);
        if (state === z.state) expect(r).toMatchObject({ ok: true, address: { state, zip: z.zip5 } });
        else expect(r).toEqual({ ok: false, errors: [{ field: 'zip', key: 'address:errors.zip_state' }] });
      }),
      { numRuns: 300 },
    );
  });

  it('military ZIP codes are in their ranges: AA 340, AE 090-098, AP 962-966', () => {
    for (const z of ZIPS.filter((z) => ['AA', 'AE', 'AP'].includes(z.state))) {
      const m = MILITARY_STATES.find((s) => s.code === z.state)!;
      expect(m.zipPrefixes, z.zip5).toContain(z.zip5.slice(0, 3));
    }
  });

  it('gives coordinates, and distances from them', () => {
    const dc = zipInfo('20529')!;
    const ny = zipInfo('10001')!;
    expect(dc.state).toBe('DC');
    expect(Math.round(distanceMiles(dc, ny))).toBeGreaterThan(190);
    expect(Math.round(distanceMiles(dc, ny))).toBeLessThan(215);
    expect(zipInfo('00000')).toBeUndefined();
  });
});

describe('addresses', () => {
  it('says what is wrong with each field, as catalog keys', () => {
    expect(validateAddress({ ...blank, kind: 'us' }, ['us'])).toEqual({
      ok: false,
      errors: [
        { field: 'street', key: 'address:errors.street_required' },
        { field: 'city', key: 'address:errors.city_required' },
        { field: 'state', key: 'address:errors.state_required' },
        { field: 'zip', key: 'address:errors.zip_required' },
      ],
    });
    expect(validateAddress(us({ zip: '2052' }))).toEqual({
      ok: false,
      errors: [{ field: 'zip', key: 'address:errors.zip_format' }],
    });
    expect(validateAddress(us({ state: 'XX' }))).toMatchObject({
      errors: [{ field: 'state', key: 'address:errors.state_unknown' }],
    });
    expect(validateAddress(us({ state: 'AE', zip: '09012' }))).toMatchObject({
      errors: [{ field: 'state', key: 'address:errors.state_military' }],
    });
    expect(validateAddress(us({ street: 'x'.repeat(101) }))).toMatchObject({
      errors: [{ field: 'street', key: 'address:errors.too_long' }],
    });
    expect(validateAddress(us({ kind: 'foreign', country: 'Mexico' }), ['us', 'military'])).toMatchObject({
      errors: [{ field: 'kind', key: 'address:errors.kind_not_allowed' }],
    });
  });

  it('keeps "in care of" and ZIP+4, and prints the lines of an envelope', () => {
    const r = validateAddress(us({ inCareOf: 'María  López', unit: 'Apt 4', zip: '205290001' }));
    expect(r).toEqual({
      ok: true,
      address: {
        kind: 'us',
        inCareOf: 'María López',
        street: '111 Massachusetts Ave NW',
        unit: 'Apt 4',
        city: 'Washington',
        state: 'DC',
        zip: '20529-0001',
      },
    });
    if (r.ok) {
      expect(addressLines(r.address)).toEqual([
        'C/O María López',
        '111 Massachusetts Ave NW Apt 4',
        'Washington, DC 20529-0001',
      ]);
      expect(validateAddress(fieldsOf(r.address))).toEqual(r);
    }
  });

  it('takes APO/FPO/DPO addresses with AA, AE or AP and a ZIP code of its range', () => {
    const military = (over: Partial<AddressFields>) =>
      validateAddress(
        { ...blank, kind: 'military', street: 'PSC 1234, Box 5678', city: 'apo', state: 'AE', zip: '09012', ...over },
        ['us', 'military'],
      );
    expect(military({})).toMatchObject({ ok: true, address: { city: 'APO', state: 'AE', zip: '09012' } });
    expect(military({ city: 'Chicago' })).toMatchObject({
      errors: [{ field: 'city', key: 'address:errors.military_city' }],
    });
    expect(military({ state: 'NY' })).toMatchObject({
      errors: [{ field: 'state', key: 'address:errors.military_state' }],
    });
    expect(military({ state: 'AP' })).toMatchObject({ errors: [{ field: 'zip', key: 'address:errors.military_zip' }] });
    expect(military({ zip: '20529' })).toMatchObject({
      errors: [{ field: 'zip', key: 'address:errors.military_zip' }],
    });
  });

  it('takes a foreign address only where allowed, with a country that is not the United States', () => {
    const foreign = (over: Partial<AddressFields>) =>
      validateAddress(
        { ...blank, kind: 'foreign', street: 'Calle 5 #12', city: 'Monterrey', country: 'Mexico', ...over },
        ['us', 'foreign'],
      );
    expect(foreign({ region: 'Nuevo León', postalCode: '64000' })).toMatchObject({
      ok: true,
      address: { kind: 'foreign', country: 'Mexico', region: 'Nuevo León', postalCode: '64000' },
    });
    expect(foreign({ country: '' })).toMatchObject({
      errors: [{ field: 'country', key: 'address:errors.country_required' }],
    });
    for (const country of ['USA', 'U.S.', 'United States', 'Estados Unidos', 'EE. UU.'])
      expect(foreign({ country })).toMatchObject({
        errors: [{ field: 'country', key: 'address:errors.country_is_us' }],
      });
  });
});
