/** Countries/regions offered for the return address: the list with their ISO codes lives in shared/address.ts. */
export { COUNTRY_NAMES as COUNTRIES } from '../../../../shared/address.ts';
