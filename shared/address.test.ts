import { describe, expect, it } from 'vitest';
import { checkPostalCodeFor, checkStateFor, countryCodeOf, formatAddress } from './address.ts';
import { addressLines } from './import-jobs.ts';
import { checkShippingContact } from './validators/shipping.ts';

const US = {
  contactName: 'Dana Admin',
  phone: '+1 425 555 0100',
  email: 'dana@contoso.example',
  streetAddress1: '1 Main Street',
  city: 'Redmond',
  stateOrProvince: 'WA',
  postalCode: '98052',
  countryOrRegion: 'United States',
};

describe('addresses per country', () => {
  it('knows the countries by name, code and the spellings Azure uses', () => {
    expect(['United States', 'US', 'us', 'USA', 'United States of America'].map(countryCodeOf)).toEqual([
      'US',
      'US',
      'US',
      'US',
      'US',
    ]);
    expect(countryCodeOf('Netherlands')).toBe('NL');
    expect(countryCodeOf('Atlantis')).toBeUndefined();
  });

  it('refuses what issue 18 saw pass: "ABCDE" as a US postal code and "ZZ" as a US state', () => {
    const e = checkShippingContact({ ...US, postalCode: 'ABCDE', stateOrProvince: 'ZZ' });
    expect(e.postalCode).toBe('Postal code "ABCDE" is not a postal code of United States.');
    expect(e.stateOrProvince).toMatch(/^"ZZ" is not a state of United States: give its code or name, e\.g\. /);
    expect(checkShippingContact(US)).toEqual({});
    expect(checkShippingContact({ ...US, stateOrProvince: 'Washington', postalCode: '98052-6399' })).toEqual({});
  });

  it('checks each country by its own rules', () => {
    expect(checkPostalCodeFor('1098 XG', 'Netherlands')).toBeNull();
    expect(checkPostalCodeFor('98052', 'Netherlands')).toMatch(/not a postal code of Netherlands/);
    expect(checkPostalCodeFor('SW1A 1AA', 'United Kingdom')).toBeNull();
    expect(checkPostalCodeFor('K1A 0B1', 'Canada')).toBeNull();
    expect(checkStateFor('Ontario', 'Canada')).toBeNull();
    expect(checkStateFor('ON', 'Canada')).toBeNull();
    expect(checkStateFor('NSW', 'Australia')).toBeNull();
    expect(checkStateFor('Texas', 'Australia')).toMatch(/not a state or territory of Australia/);
    // Where the post needs no state from a list, any value is taken; no postal code rule (Hong Kong) means no check.
    expect(checkStateFor('Noord-Holland', 'Netherlands')).toBeNull();
    expect(checkPostalCodeFor('000000', 'Hong Kong SAR')).toBeNull();
  });

  it('prints an address in its country\'s order: "Santa Clara, CA 95050", "1098 XG Amsterdam"', () => {
    const dc = {
      recipientName: 'Microsoft Azure Import/Export Service',
      streetAddress1: '2045 Lafayette Street',
      city: 'Santa Clara',
      stateOrProvince: 'CA',
      postalCode: '95050',
      countryOrRegion: 'USA',
      phone: '408 352 7600',
    };
    expect(addressLines(dc)).toEqual([
      'Microsoft Azure Import/Export Service',
      '2045 Lafayette Street',
      'Santa Clara, CA 95050',
      'USA',
      'Phone 408 352 7600',
    ]);
    expect(formatAddress({ ...dc, stateOrProvince: 'California' })[2]).toBe('Santa Clara, CA 95050');
    expect(
      formatAddress({
        recipientName: 'IT',
        streetAddress1: 'Science Park 1',
        city: 'Amsterdam',
        postalCode: '1098 XG',
        countryOrRegion: 'Netherlands',
      }),
    ).toEqual(['IT', 'Science Park 1', '1098 XG Amsterdam', 'Netherlands']);
    expect(
      formatAddress({
        recipientName: 'IT',
        streetAddress1: 'Somewhere 1',
        city: 'Town',
        postalCode: '123',
        countryOrRegion: 'Atlantis',
      }),
    ).toEqual(['IT', 'Somewhere 1', '123 Town', 'Atlantis']);
  });
});
