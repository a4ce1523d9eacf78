import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkCarrier,
  checkCarrierAccountNumber,
  checkDriveCount,
  checkEmail,
  checkPhone,
  checkPostalCode,
  checkShipDate,
  checkShippingContact,
  deliveryPackageSchema,
  returnShippingSchema,
  shippingContactSchema,
  type ShippingContact,
} from './shipping.ts';
import {
  PROTO_KEYS,
  hostileNumber,
  hostileString,
  isErrorMap,
  isMessage,
  prototypeUntouched,
} from './hostile-arbitraries.ts';

const FIELDS = [
  'contactName',
  'phone',
  'email',
  'streetAddress1',
  'streetAddress2',
  'city',
  'stateOrProvince',
  'postalCode',
  'countryOrRegion',
] as const;
const contact = fc.record(
  Object.fromEntries(FIELDS.map((f) => [f, hostileString])) as Record<(typeof FIELDS)[number], fc.Arbitrary<string>>,
  {
    requiredKeys: [],
  },
);

const msgOrNull = (m: unknown) => expect(m === null || isMessage(m)).toBe(true);

describe('shipping checks with random and hostile values', () => {
  it('single-field checks never throw and return null or a message', () => {
    fc.assert(
      fc.property(hostileString, fc.array(hostileString, { maxLength: 5 }), (v, carriers) => {
        msgOrNull(checkPhone(v));
        msgOrNull(checkEmail(v));
        msgOrNull(checkPostalCode(v));
        msgOrNull(checkCarrierAccountNumber(v));
        msgOrNull(checkShipDate(v));
        msgOrNull(checkShipDate(v, new Date(NaN)));
        msgOrNull(checkCarrier(v, carriers));
      }),
      { numRuns: 500 },
    );
  });

  it('each check answers a 200,000-character value quickly (no catastrophic backtracking)', () => {
    for (const c of ['a', '.', '@', '0', '-', ' ']) {
      const v = `a@${c.repeat(200_000)}!`;
      const t0 = Date.now();
      for (const check of [checkPhone, checkEmail, checkPostalCode, checkCarrierAccountNumber, checkShipDate])
        msgOrNull(check(v));
      expect(Date.now() - t0, `value of "${c}"`).toBeLessThan(500);
    }
  });

  it('drive count: only whole numbers 1–10 pass', () => {
    fc.assert(
      fc.property(hostileNumber, (n) => {
        const m = checkDriveCount(n);
        expect(m === null).toBe(Number.isInteger(n) && n >= 1 && n <= 10);
        msgOrNull(m);
      }),
      { numRuns: 500 },
    );
  });

  it('checkShippingContact returns { field: message } for any partial contact, never throws', () => {
    fc.assert(
      fc.property(contact, (c) => {
        const e = checkShippingContact(c as Partial<ShippingContact>);
        expect(isErrorMap(e)).toBe(true);
        for (const k of Object.keys(e)) expect(FIELDS).toContain(k);
      }),
      { numRuns: 500 },
    );
  });

  it('the zod schemas: safeParse of anything (prototype keys included) never throws; refusals carry messages and paths', () => {
    const hostileObject = fc.oneof(
      fc.anything(),
      contact,
      fc.record(
        {
          carrierName: hostileString,
          carrierAccountNumber: hostileString,
          trackingNumber: hostileString,
          driveCount: hostileNumber,
          shipDate: hostileString,
        },
        { requiredKeys: [] },
      ),
      fc.constantFrom(...PROTO_KEYS).map((k) => JSON.parse(`{"${k}": {"polluted": true}, "carrierName": "x"}`)),
    );
    fc.assert(
      fc.property(hostileObject, (v) => {
        for (const schema of [shippingContactSchema, returnShippingSchema, deliveryPackageSchema]) {
          const r = schema.safeParse(v);
          if (!r.success) for (const i of r.error.issues) expect(isMessage(i.message)).toBe(true);
        }
      }),
      { numRuns: 800 },
    );
    expect(prototypeUntouched()).toBe(true);
  });
});
