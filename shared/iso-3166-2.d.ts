/** Types for iso-3166-2 (ISO 3166-2 subdivisions; the package ships none). Only what shared/address.ts uses. */
declare module 'iso-3166-2' {
  interface Subdivision {
    type: string;
    name: string;
  }
  interface Country {
    name: string;
    code: string;
    sub: Record<string, Subdivision>;
  }
  const iso3166: { country(code: string): Country | null };
  export default iso3166;
}
