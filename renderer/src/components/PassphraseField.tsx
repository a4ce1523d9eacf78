import { Field, Input, type FieldProps } from '@fluentui/react-components';

/**
 * One passphrase box with its label, as Schedule Backup, Back Up Now and Change Properties → Encryption ask for it:
 * required, hidden unless `visible`, and with `newPassphrase` marked as a passphrase being chosen (the browser's
 * password manager then offers no old one). `field` carries the Field's validation props.
 */
export function PassphraseField({
  label,
  testId,
  value,
  onChange,
  onBlur,
  visible = false,
  newPassphrase = false,
  field,
}: {
  label: string;
  testId: string;
  value: string;
  onChange: (value: string) => void;
  onBlur: () => void;
  visible?: boolean;
  newPassphrase?: boolean;
  field?: Omit<FieldProps, 'label' | 'required' | 'children'>;
}) {
  return (
    <Field label={label} required {...field}>
      <Input
        data-testid={testId}
        type={visible ? 'text' : 'password'}
        {...(newPassphrase ? { autoComplete: 'new-password' } : {})}
        value={value}
        onChange={(_, d) => onChange(d.value)}
        onBlur={onBlur}
      />
    </Field>
  );
}
