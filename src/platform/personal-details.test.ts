import { describe, expect, it } from 'vitest';
import { nameKey, parseDate, sameName } from './personal-details.js';

describe('names as compared with the records', () => {
  it('ignores accents, case, spaces, hyphens and apostrophes', () => {
    expect(sameName('nunez garcia', 'Núñez García')).toBe(true);
    expect(sameName('NÚÑEZ-GARCÍA', 'Núñez García')).toBe(true);
    expect(sameName("O'Brien", 'OBRIEN')).toBe(true);
    expect(nameKey('  Ana  María ')).toBe('anamaria');
  });

  it('does not match another name, or an empty one', () => {
    expect(sameName('Nunez', 'Núñez García')).toBe(false);
    expect(sameName('', '')).toBe(false);
    expect(sameName('Garcia', null)).toBe(false);
  });
});

describe('dates as people type them', () => {
  it.each([
    ['1980-03-05', '1980-03-05'],
    ['1980/3/5', '1980-03-05'],
    ['03/05/1980', '1980-03-05'],
    ['3-5-1980', '1980-03-05'],
    ['25/03/1980', '1980-03-25'],
    ['March 5, 1980', '1980-03-05'],
    ['mar 5 1980', '1980-03-05'],
    ['5 March 1980', '1980-03-05'],
    ['5 de marzo de 1980', '1980-03-05'],
    ['5 de Agosto del 1980', '1980-08-05'],
    ['1 setiembre 1980', '1980-09-01'],
    ['29/02/2024', '2024-02-29'],
  ])('reads %s as %s', (input, iso) => {
    expect(parseDate(input)).toBe(iso);
  });

  it.each(['', '1980', '02/30/1980', '13/13/1980', '1980-13-01', 'Smarch 5 1980', '5/3/80', 'yesterday'])(
    'refuses %s',
    (input) => {
      expect(parseDate(input)).toBeUndefined();
    },
  );
});
