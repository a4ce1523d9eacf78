/**
 * Import/Export shipping locations of the sandbox (addresses modelled on the official examples). `northeurope`
 * is "under maintenance": its alternateLocations do not include itself, so the console must offer West Europe.
 */
export interface IeLocation {
  id: string;
  name: string;
  type: 'Microsoft.ImportExport/locations';
  properties: {
    recipientName: string;
    streetAddress1: string;
    streetAddress2: string;
    city: string;
    stateOrProvince: string;
    postalCode: string;
    countryOrRegion: string;
    phone: string;
    additionalShippingInformation: string;
    supportedCarriers: string[];
    alternateLocations: string[];
  };
}

const loc = (
  key: string,
  name: string,
  p: Omit<IeLocation['properties'], 'alternateLocations' | 'streetAddress2' | 'additionalShippingInformation'> & {
    alternates?: string[];
    extra?: string;
  },
): IeLocation => {
  const { alternates, extra, ...rest } = p;
  return {
    id: `/providers/Microsoft.ImportExport/locations/${key}`,
    name,
    type: 'Microsoft.ImportExport/locations',
    properties: {
      ...rest,
      streetAddress2: '',
      additionalShippingInformation: extra ?? '',
      alternateLocations: (alternates ?? [key]).map((k) => `/providers/Microsoft.ImportExport/locations/${k}`),
    },
  };
};

export const IE_LOCATIONS: IeLocation[] = [
  loc('westus', 'West US', {
    recipientName: 'Microsoft Azure Import/Export Service',
    streetAddress1: '2045 Lafayette Street',
    city: 'Santa Clara',
    stateOrProvince: 'CA',
    postalCode: '95050',
    countryOrRegion: 'USA',
    phone: '408 352 7600',
    supportedCarriers: ['FedEx', 'DHL'],
  }),
  loc('eastus2', 'East US 2', {
    recipientName: 'Windows Azure Import Export Service',
    streetAddress1: 'Boydton 1 / BLDG # 1 101 Herbert Drive',
    city: 'Boydton',
    stateOrProvince: 'VA',
    postalCode: '23917',
    countryOrRegion: 'USA',
    phone: '+1-434-738-9443',
    supportedCarriers: ['FedEx', 'DHL', 'UPS'],
  }),
  loc('westeurope', 'West Europe', {
    recipientName: 'Microsoft Azure Import/Export Service',
    streetAddress1: 'Science Park 1',
    city: 'Amsterdam',
    stateOrProvince: 'Noord-Holland',
    postalCode: '1098 XG',
    countryOrRegion: 'Netherlands',
    phone: '+31 20 000 0000',
    supportedCarriers: ['DHL'],
  }),
  loc('northeurope', 'North Europe', {
    recipientName: 'Microsoft Azure Import/Export Service',
    streetAddress1: 'Grange Castle Business Park',
    city: 'Dublin',
    stateOrProvince: 'Dublin',
    postalCode: 'D22 R2F6',
    countryOrRegion: 'Ireland',
    phone: '+353 1 000 0000',
    supportedCarriers: ['DHL'],
    alternates: ['westeurope'],
    extra: 'Temporarily not accepting packages (maintenance): ship to West Europe.',
  }),
  loc('australiaeast', 'Australia East', {
    recipientName: 'Windows Azure Import/Export Service',
    streetAddress1: 'Customer-A c/o NEXTDC Ltd, Delivery code ABCDEFG, 4 Eden Park Drive',
    city: 'Macquarie Park',
    stateOrProvince: 'NSW',
    postalCode: '2113',
    countryOrRegion: 'Australia',
    phone: '612 0000 0000',
    supportedCarriers: ['DHL'],
  }),
  loc('australiasoutheast', 'Australia Southeast', {
    recipientName: 'Microsoft Azure Import/Export Service',
    streetAddress1: 'Microsoft, c/o NEXTDC Ltd, Delivery code ABCDEFG, 826-830 Lorimer St, Port',
    city: 'Melbourne',
    stateOrProvince: 'Melbourne',
    postalCode: '3207',
    countryOrRegion: 'Australia',
    phone: '61 0 0000 0000',
    supportedCarriers: ['DHL'],
  }),
];

/** Finds a location by id segment (`westus`) or display name (`West US`), case and spaces ignored. */
export function findIeLocation(nameOrKey: string): IeLocation | undefined {
  const n = nameOrKey.replace(/\s+/g, '').toLowerCase();
  return IE_LOCATIONS.find(
    (l) => l.id.slice(l.id.lastIndexOf('/') + 1) === n || l.name.replace(/\s+/g, '').toLowerCase() === n,
  );
}

export const IE_OPERATIONS = [
  [
    'Microsoft.ImportExport/locations/read',
    'Locations',
    'Get or List Locations',
    'Gets the properties for the specified location or returns the list of locations.',
  ],
  [
    'Microsoft.ImportExport/jobs/write',
    'Jobs',
    'Create or Update Job',
    'Creates a job with the specified parameters or update the properties or tags for the specified job.',
  ],
  [
    'Microsoft.ImportExport/jobs/read',
    'Jobs',
    'Get or List Jobs',
    'Gets the properties for the specified job or returns the list of jobs.',
  ],
  [
    'Microsoft.ImportExport/jobs/listBitLockerKeys/action',
    'Jobs',
    'List BitLocker Keys',
    'Gets the BitLocker keys for the specified job.',
  ],
  ['Microsoft.ImportExport/jobs/delete', 'Jobs', 'Delete Job', 'Deletes an existing job.'],
  [
    'Microsoft.ImportExport/register/action',
    'Import Export Resource Provider',
    'Registers the Import Export Resource Provider',
    'Registers the subscription for the import/export resource provider and enables the creation of import/export jobs.',
  ],
].map(([name, resource, operation, description]) => ({
  name,
  display: { provider: 'Microsoft Import/Export', resource, operation, description },
}));
