import '../../test-dom-shims.ts';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ShippingForm } from './ShippingForm.tsx';
import {
  emptyShippingDraft,
  toDefaults,
  toReturnAddress,
  validateShipping,
  type ShippingDraft,
} from '../../../../shared/shipping-draft.ts';

afterEach(cleanup);

const CARRIERS = ['FedEx', 'DHL'];
const GOOD: ShippingDraft = {
  contactName: 'Dana Admin',
  phone: '+1 425 555 0100',
  email: 'dana@contoso.com',
  streetAddress1: '1 Main Street',
  streetAddress2: '',
  city: 'Redmond',
  stateOrProvince: 'WA',
  postalCode: '98052',
  countryOrRegion: 'United States',
  carrierName: 'FedEx',
  carrierAccountNumber: '123456789',
};

function Harness({ initial, showAll }: { initial: ShippingDraft; showAll?: boolean }) {
  const [v, setV] = useState(initial);
  return (
    <FluentProvider theme={webLightTheme}>
      <ShippingForm value={v} onChange={(p) => setV((x) => ({ ...x, ...p }))} carriers={CARRIERS} showAll={showAll} />
    </FluentProvider>
  );
}

const typeInto = (field: string, value: string) => {
  const el = screen.getByTestId(`ship-${field}`);
  fireEvent.change(el, { target: { value } });
  fireEvent.blur(el);
};

describe('ShippingForm', () => {
  it('shows no message for a valid draft and none before a field is touched', () => {
    render(<Harness initial={GOOD} showAll />);
    expect(screen.queryAllByRole('alert')).toHaveLength(0);
    cleanup();
    render(<Harness initial={emptyShippingDraft()} />);
    expect(screen.queryByTestId('ship-contactName-error')).toBeNull();
  });

  it.each([
    ['contactName', '', /Contact name is required/],
    ['phone', 'call me', /Phone "call me" must be a phone number of 6 to 20 digits/],
    ['phone', '12', /Phone "12" must be a phone number/],
    ['email', 'dana.contoso.com', /Email "dana.contoso.com" is not an email address/],
    ['streetAddress1', '', /Street address is required/],
    ['streetAddress2', 'x'.repeat(101), /Street address line 2 is too long \(101 characters, at most 100\)/],
    ['city', '', /City is required/],
    ['stateOrProvince', '', /State or province is required/],
    ['postalCode', '#1', /Postal code "#1" must be 2 to 20 letters, digits, spaces or hyphens/],
    ['carrierAccountNumber', 'a!', /Carrier account number "a!" must be 4 to 40 letters, digits or hyphens/],
    ['carrierAccountNumber', '', /Carrier account number is required/],
  ])('field %s with %j says %s, and the message goes once fixed', (field, bad, message) => {
    render(<Harness initial={GOOD} />);
    typeInto(field, bad);
    const err = screen.getByTestId(`ship-${field}-error`);
    expect(err.textContent).toMatch(message);
    expect(screen.getByTestId(`ship-${field}`).getAttribute('aria-invalid')).toBe('true');
    typeInto(field, GOOD[field as keyof ShippingDraft] || 'fine');
    expect(screen.queryByTestId(`ship-${field}-error`)).toBeNull();
  });

  it('requires a country and a carrier from the dropdowns, offering only the datacenter carriers', () => {
    render(<Harness initial={{ ...GOOD, countryOrRegion: '', carrierName: '' }} showAll />);
    expect(screen.getByTestId('ship-countryOrRegion-error').textContent).toMatch(/Country or region is required/);
    expect(screen.getByTestId('ship-carrierName-error').textContent).toMatch(/Return carrier is required/);
    fireEvent.click(screen.getByTestId('ship-carrierName'));
    const options = screen.getAllByRole('option').map((o) => o.textContent);
    expect(options).toEqual(CARRIERS);
    fireEvent.click(screen.getByRole('option', { name: 'DHL' }));
    expect(screen.queryByTestId('ship-carrierName-error')).toBeNull();
    expect(screen.getByTestId('ship-carrierName').textContent).toContain('DHL');
  });

  it('refuses a carrier the datacenter does not support (remembered from another job)', () => {
    expect(validateShipping({ ...GOOD, carrierName: 'UPS' }, CARRIERS).carrierName).toMatch(
      /not supported at this datacenter; choose one of: FedEx, DHL/,
    );
  });

  it('maps to the contract: trims, drops an empty line 2', () => {
    const addr = toReturnAddress({ ...GOOD, contactName: '  Dana Admin ' });
    expect(addr.contactName).toBe('Dana Admin');
    expect('streetAddress2' in addr).toBe(false);
    expect(toDefaults({ ...GOOD, streetAddress2: 'Suite 5' }).streetAddress2).toBe('Suite 5');
  });
});
