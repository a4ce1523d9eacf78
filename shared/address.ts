/**
 * Postal addresses per country for the countries the Import/Export and Data Box datacenters ship to and from: the
 * country list (names as the console shows them, ISO 3166-1 codes), the postal code rule of each country
 * (postcode-validator), the state or province where the post uses one (ISO 3166-2 subdivisions, iso-3166-2), and
 * the printed form of an address in the country's own order (@fragaria/address-formatter, OpenCage's templates):
 * "Santa Clara, CA 95050" in the US, "1098 XG Amsterdam" in the Netherlands.
 */
import addressFormatter from '@fragaria/address-formatter';
import iso3166 from 'iso-3166-2';
import { postcodeValidator, postcodeValidatorExistsForCountry } from 'postcode-validator';

/** Countries and regions offered for the return address (Import/Export ships within and between these). */
export const COUNTRY_CODES: Readonly<Record<string, string>> = {
  Australia: 'AU',
  Austria: 'AT',
  Belgium: 'BE',
  Brazil: 'BR',
  Canada: 'CA',
  Chile: 'CL',
  China: 'CN',
  Czechia: 'CZ',
  Denmark: 'DK',
  Finland: 'FI',
  France: 'FR',
  Germany: 'DE',
  Greece: 'GR',
  'Hong Kong SAR': 'HK',
  India: 'IN',
  Indonesia: 'ID',
  Ireland: 'IE',
  Israel: 'IL',
  Italy: 'IT',
  Japan: 'JP',
  Korea: 'KR',
  Luxembourg: 'LU',
  Malaysia: 'MY',
  Mexico: 'MX',
  Netherlands: 'NL',
  'New Zealand': 'NZ',
  Norway: 'NO',
  Poland: 'PL',
  Portugal: 'PT',
  Qatar: 'QA',
  'Saudi Arabia': 'SA',
  Singapore: 'SG',
  'South Africa': 'ZA',
  Spain: 'ES',
  Sweden: 'SE',
  Switzerland: 'CH',
  Taiwan: 'TW',
  Thailand: 'TH',
  Turkey: 'TR',
  'United Arab Emirates': 'AE',
  'United Kingdom': 'GB',
  'United States': 'US',
};

export const COUNTRY_NAMES: readonly string[] = Object.keys(COUNTRY_CODES);

/** Other spellings Azure and people use (datacenter addresses say "USA"). */
const ALIASES: Readonly<Record<string, string>> = {
  usa: 'US',
  us: 'US',
  'united states of america': 'US',
  uk: 'GB',
  'great britain': 'GB',
  'south korea': 'KR',
  'republic of korea': 'KR',
  'hong kong': 'HK',
  uae: 'AE',
  'czech republic': 'CZ',
};

/** ISO 3166-1 alpha-2 code of a country name, code or known alias; undefined when unknown. */
export function countryCodeOf(country: string | undefined): string | undefined {
  const t = (country ?? '').trim();
  if (!t) return undefined;
  const byName = Object.entries(COUNTRY_CODES).find(([name]) => name.toLowerCase() === t.toLowerCase());
  if (byName) return byName[1];
  if (/^[A-Za-z]{2}$/.test(t) && Object.values(COUNTRY_CODES).includes(t.toUpperCase())) return t.toUpperCase();
  return ALIASES[t.toLowerCase()];
}

/**
 * Countries whose post routes by a state or province written in the address, with a stable ISO 3166-2 list: there
 * the value must be one of them (its code, e.g. CA, or its name). Elsewhere any non-empty value is accepted.
 */
const STATE_REQUIRED = ['US', 'CA', 'AU'] as const;

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** The subdivision a state/province value names in the country: [code without the country prefix, name]; or null. */
export function subdivisionOf(state: string, countryCode: string): { code: string; name: string } | null {
  const c = iso3166.country(countryCode);
  if (!c) return null;
  const v = fold(state);
  for (const [full, sub] of Object.entries(c.sub)) {
    const code = full.slice(countryCode.length + 1);
    if (fold(code) === v || fold(sub.name) === v) return { code, name: sub.name };
  }
  return null;
}

/** The postal code in the country's own format (e.g. US 12345 or 12345-6789, NL 1234 AB, GB SW1A 1AA). */
export function checkPostalCodeFor(value: string, country: string): string | null {
  const code = countryCodeOf(country);
  const v = value.trim();
  if (!code || !postcodeValidatorExistsForCountry(code)) return null;
  return postcodeValidator(v, code) ? null : `Postal code "${v}" is not a postal code of ${nameOf(code)}.`;
}

/** The state or province where the country's post needs one from its list. */
export function checkStateFor(value: string, country: string): string | null {
  const code = countryCodeOf(country);
  if (!code || !(STATE_REQUIRED as readonly string[]).includes(code)) return null;
  if (subdivisionOf(value, code)) return null;
  const c = iso3166.country(code);
  const examples = Object.entries(c?.sub ?? {})
    .slice(0, 3)
    .map(([full, s]) => `${full.slice(code.length + 1)} (${s.name})`)
    .join(', ');
  return `"${value.trim()}" is not a ${code === 'US' ? 'state' : code === 'CA' ? 'province or territory' : 'state or territory'} of ${nameOf(code)}: give its code or name, e.g. ${examples}.`;
}

const nameOf = (code: string) => Object.entries(COUNTRY_CODES).find(([, c]) => c === code)?.[0] ?? code;

export interface PostalAddress {
  recipientName?: string | undefined;
  streetAddress1?: string | undefined;
  streetAddress2?: string | undefined;
  city?: string | undefined;
  stateOrProvince?: string | undefined;
  postalCode?: string | undefined;
  countryOrRegion?: string | undefined;
}

/**
 * An address as printed lines, in the order and form of its country: the recipient, the street lines, then the
 * locality line(s) as the country writes them, then the country. An unknown country keeps a neutral order.
 */
export function formatAddress(a: PostalAddress): string[] {
  const code = countryCodeOf(a.countryOrRegion);
  const t = (s: string | undefined) => (s ?? '').trim();
  const head = [t(a.recipientName), t(a.streetAddress1), t(a.streetAddress2)].filter(Boolean);
  let locality: string[];
  if (code) {
    const state = t(a.stateOrProvince);
    const sub = state ? subdivisionOf(state, code) : null;
    locality = addressFormatter.format(
      {
        city: t(a.city),
        postcode: t(a.postalCode),
        ...(state ? { state: sub && code === 'US' ? sub.name : state } : {}),
        countryCode: code,
      },
      { output: 'array', abbreviate: true },
    );
  } else locality = [[t(a.postalCode), t(a.city), t(a.stateOrProvince)].filter(Boolean).join(' ')];
  return [...head, ...locality.filter((l) => l.trim()), ...(t(a.countryOrRegion) ? [t(a.countryOrRegion)] : [])];
}
