/**
 * Return address and return shipping (SPEC decision 5): one Field per control, messages after the field was left
 * or after a submit attempt (`showAll`). Validation is the pure validateShipping() over the shared validators.
 * data-testid: shipping-form, ship-<field> (inputs and dropdowns), ship-<field>-error is the Field's message.
 */
import { Dropdown, Field, Input, Option, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { COUNTRIES } from './countries.ts';
import { validateShipping, type ShippingDraft, type ShippingField } from '../../../../shared/shipping-draft.ts';

export interface ShippingFormProps {
  value: ShippingDraft;
  onChange: (patch: Partial<ShippingDraft>) => void;
  /** The datacenter's supported carriers (azure:locations). */
  carriers: readonly string[];
  /** Show every message (after a submit attempt). */
  showAll?: boolean | undefined;
  disabled?: boolean;
}

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(220px, 1fr))',
    gap: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    maxWidth: '860px',
    minWidth: 0,
    alignItems: 'start',
  },
  wide: { gridColumn: '1 / -1' },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: 0, marginBottom: tokens.spacingVerticalS },
  fieldset: { border: 'none', padding: 0, margin: 0 },
});

const TEXT_FIELDS: Array<{
  key: ShippingField;
  label: string;
  type?: string;
  autoComplete: string;
  required: boolean;
  wide?: boolean;
  hint?: string;
}> = [
  { key: 'contactName', label: 'Contact name', autoComplete: 'name', required: true },
  { key: 'phone', label: 'Phone', type: 'tel', autoComplete: 'tel', required: true },
  { key: 'email', label: 'Email', type: 'email', autoComplete: 'email', required: true },
  { key: 'streetAddress1', label: 'Street address', autoComplete: 'address-line1', required: true, wide: true },
  {
    key: 'streetAddress2',
    label: 'Street address line 2 (optional)',
    autoComplete: 'address-line2',
    required: false,
    wide: true,
  },
  { key: 'city', label: 'City', autoComplete: 'address-level2', required: true },
  { key: 'stateOrProvince', label: 'State or province', autoComplete: 'address-level1', required: true },
  { key: 'postalCode', label: 'Postal code', autoComplete: 'postal-code', required: true },
];

export function ShippingForm({ value, onChange, carriers, showAll, disabled }: ShippingFormProps) {
  const styles = useStyles();
  const [touched, setTouched] = useState<ReadonlySet<ShippingField>>(new Set());
  const errors = validateShipping(value, carriers);
  const touch = (k: ShippingField) => setTouched((t) => (t.has(k) ? t : new Set(t).add(k)));
  const msg = (k: ShippingField) => (showAll || touched.has(k) ? errors[k] : undefined);
  const fieldProps = (k: ShippingField) => {
    const m = msg(k);
    return m
      ? { validationMessage: <span data-testid={`ship-${k}-error`}>{m}</span>, validationState: 'error' as const }
      : {};
  };
  return (
    <div data-testid="shipping-form" style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 16 }}>
      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>Return address (where the datacenter sends the disks back)</legend>
        <div className={styles.grid}>
          {TEXT_FIELDS.map((f) => (
            <Field
              key={f.key}
              label={f.label}
              required={f.required}
              className={f.wide ? styles.wide : undefined}
              {...fieldProps(f.key)}
            >
              <Input
                data-testid={`ship-${f.key}`}
                type={(f.type ?? 'text') as 'text'}
                autoComplete={f.autoComplete}
                value={value[f.key]}
                disabled={disabled}
                onChange={(_, d) => onChange({ [f.key]: d.value })}
                onBlur={() => touch(f.key)}
              />
            </Field>
          ))}
          <Field label="Country or region" required {...fieldProps('countryOrRegion')}>
            <Dropdown
              data-testid="ship-countryOrRegion"
              placeholder="Choose a country or region"
              value={value.countryOrRegion}
              selectedOptions={value.countryOrRegion ? [value.countryOrRegion] : []}
              disabled={disabled}
              onOptionSelect={(_, d) => onChange({ countryOrRegion: d.optionValue ?? '' })}
              onBlur={() => touch('countryOrRegion')}
            >
              {COUNTRIES.map((c) => (
                <Option key={c} value={c}>
                  {c}
                </Option>
              ))}
            </Dropdown>
          </Field>
        </div>
      </fieldset>
      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>Return shipping (your carrier account pays for the return)</legend>
        <div className={styles.grid}>
          <Field
            label="Return carrier"
            required
            {...(msg('carrierName')
              ? fieldProps('carrierName')
              : {
                  hint: carriers.length
                    ? `Supported at this datacenter: ${carriers.join(', ')}`
                    : 'The datacenter lists no carriers: type the carrier (FedEx or DHL for most datacenters).',
                })}
          >
            {carriers.length === 0 ? (
              <Input
                data-testid="ship-carrierName"
                value={value.carrierName}
                disabled={disabled}
                onChange={(_, d) => onChange({ carrierName: d.value })}
                onBlur={() => touch('carrierName')}
              />
            ) : (
              <Dropdown
                data-testid="ship-carrierName"
                placeholder="Choose a carrier"
                value={value.carrierName}
                selectedOptions={value.carrierName ? [value.carrierName] : []}
                disabled={disabled}
                onOptionSelect={(_, d) => onChange({ carrierName: d.optionValue ?? '' })}
                onBlur={() => touch('carrierName')}
              >
                {carriers.map((c) => (
                  <Option key={c} value={c}>
                    {c}
                  </Option>
                ))}
              </Dropdown>
            )}
          </Field>
          <Field label="Carrier account number" required {...fieldProps('carrierAccountNumber')}>
            <Input
              data-testid="ship-carrierAccountNumber"
              value={value.carrierAccountNumber}
              disabled={disabled}
              onChange={(_, d) => onChange({ carrierAccountNumber: d.value })}
              onBlur={() => touch('carrierAccountNumber')}
            />
          </Field>
        </div>
      </fieldset>
    </div>
  );
}
