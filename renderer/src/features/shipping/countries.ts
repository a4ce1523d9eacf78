/** Countries/regions offered for the return address (ISO names; Import/Export ships within and between these). */
export const COUNTRIES: readonly string[] = [
  'Australia', 'Austria', 'Belgium', 'Brazil', 'Canada', 'Chile', 'China', 'Czechia', 'Denmark', 'Finland', 'France',
  'Germany', 'Greece', 'Hong Kong SAR', 'India', 'Indonesia', 'Ireland', 'Israel', 'Italy', 'Japan', 'Korea',
  'Luxembourg', 'Malaysia', 'Mexico', 'Netherlands', 'New Zealand', 'Norway', 'Poland', 'Portugal', 'Qatar',
  'Saudi Arabia', 'Singapore', 'South Africa', 'Spain', 'Sweden', 'Switzerland', 'Taiwan', 'Thailand', 'Turkey',
  'United Arab Emirates', 'United Kingdom', 'United States',
];
