import { describe, expect, it } from 'vitest';
import {
  CONTAINER_NAME_RULE,
  checkContainerName,
  checkDataBoxJobName,
  checkJobName,
  checkRecoveryPasswordTypos,
  checkStorageAccountName,
  checkSubscriptionId,
  checkTrackingNumber,
  normalizeTrackingNumber,
  zTrackingNumber,
} from './azure-names.ts';
import { checkCarrier, checkShippingContact, deliveryPackageSchema } from './shipping.ts';

describe('azure name validators', () => {
  it('job names follow decision 10', () => {
    expect(checkJobName('seed-2026-01')).toBeNull();
    expect(checkJobName('a')).toMatch(/2 to 64/);
    expect(checkJobName('1job')).toMatch(/start with a lowercase letter/);
    expect(checkJobName('Job')).toMatch(/start with a lowercase letter/);
    expect(checkJobName('job_1')).toMatch(/only lowercase/);
    expect(checkJobName('a'.repeat(65))).toMatch(/2 to 64/);
  });
  it('storage account, container and subscription id', () => {
    expect(checkStorageAccountName('obcstore1')).toBeNull();
    expect(checkStorageAccountName('OBC')).not.toBeNull();
    expect(checkContainerName('seed-data')).toBeNull();
    expect(checkContainerName('seed--data')).toMatch(/--/);
    expect(checkContainerName('seed-')).toMatch(/start and end/);
    expect(checkContainerName('ab')).toMatch(/3 to 63/);
    expect(checkSubscriptionId('291bba3f-e0a5-47bc-a099-3bdcb2a50a05')).toBeNull();
    expect(checkSubscriptionId('nope')).toMatch(/GUID/);
  });
  it('every refused container name quotes the whole rule (decision 10)', () => {
    for (const [v, why] of [
      ['Bad_Container', 'upper-case'],
      ['a--b', '"--"'],
      ['x', 'has 1 characters'],
      ['-ab', 'start and end'],
      ['ab.c', 'other than'],
      ['a'.repeat(64), 'has 64'],
    ] as const) {
      const m = checkContainerName(v);
      expect(m, v).toContain(why);
      expect(m, v).toContain(CONTAINER_NAME_RULE);
    }
    expect(checkContainerName('a-b-1')).toBeNull();
  });
  it("Data Box job names: the console rule and the swagger's 3–24 characters", () => {
    expect(checkDataBoxJobName('seed-journey')).toBeNull();
    expect(checkDataBoxJobName('ab')).toMatch(/2 to 64|3 to 24/);
    expect(checkDataBoxJobName('a'.repeat(25))).toMatch(/Data Box job name is 3 to 24/);
    expect(checkDataBoxJobName('Seed')).toMatch(/lowercase/);
  });
  it('tracking numbers are normalised then checked', () => {
    expect(normalizeTrackingNumber('1234 5678-9012')).toBe('123456789012');
    expect(checkTrackingNumber('12')).not.toBeNull();
    expect(zTrackingNumber.parse(' 1z 999 ')).toBe('1Z999');
  });
});

describe('shipping validators (decision 5)', () => {
  const ok = {
    contactName: 'Ada Admin',
    phone: '+1 425 555 0100',
    email: 'ada@example.com',
    streetAddress1: '1 Main St',
    city: 'Redmond',
    stateOrProvince: 'WA',
    postalCode: '98052',
    countryOrRegion: 'USA',
  };
  it('everything but line 2 is required', () => {
    expect(checkShippingContact(ok)).toEqual({});
    const bad = checkShippingContact({ ...ok, city: ' ', email: 'x', phone: '12' });
    expect(Object.keys(bad).sort()).toEqual(['city', 'email', 'phone']);
  });
  it('carrier must be one the location supports', () => {
    expect(checkCarrier('fedex', ['FedEx'])).toBeNull();
    expect(checkCarrier('UPS', ['FedEx', 'DHL'])).toMatch(/FedEx, DHL/);
  });
  it('delivery package', () => {
    const r = deliveryPackageSchema.safeParse({
      carrierName: 'FedEx',
      trackingNumber: '1234-5678',
      driveCount: 11,
      shipDate: '2026-11-20',
    });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/1 to 10/);
  });
});

describe('BitLocker recovery password typed by hand', () => {
  const key = '238810-662376-448998-450120-652806-203390-606320-483076';
  it('passes a real recovery password, names the group with a typo', () => {
    expect(checkRecoveryPasswordTypos(key)).toBeNull();
    expect(checkRecoveryPasswordTypos(key.replace('662376', '662377'))).toMatch(
      /^group 2 is not part of a valid BitLocker recovery password/,
    );
    // 11 × 65536 = 720896 is a multiple of 11 but above every 16-bit number.
    expect(checkRecoveryPasswordTypos(key.replace('483076', '720896'))).toMatch(/^group 8 /);
    expect(checkRecoveryPasswordTypos('1234')).toMatch(/48-digit recovery password/);
    expect(checkRecoveryPasswordTypos(key.replace(/-/g, ' '))).toMatch(/8 groups of 6 digits/);
  });
});
