/**
 * Encryption: change the passphrase (current + new twice, or generate); the new one must be saved or copied first.
 * data-testid: cp-pass-current, cp-pass-new, cp-pass-confirm, cp-pass-*-error, cp-pass-generate, cp-pass-save-file,
 *   cp-pass-copy, cp-pass-change, cp-pass-protection
 */
import { Button, Text } from '@fluentui/react-components';
import { useState } from 'react';
import type { PropertiesView } from '../../../../shared/policy-schema.ts';
import { checkPassphrase, generatePassphrase } from '../../../../shared/validators/passphrase.ts';
import { useAppStore } from '../../store/index.ts';
import { formatDateTime } from '../../components/format.ts';
import { fieldState } from '../schedule-backup/use-wizard.tsx';
import { PassphraseField } from '../../components/PassphraseField.tsx';

export function EncryptionTab({ view }: { view: PropertiesView }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [saved, setSaved] = useState(false);
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const change = useAppStore((s) => s.changePassphrase);
  const saving = useAppStore((s) => s.changeProperties.saving === 'passphrase');
  const touch = (f: string) => setTouched((x) => ({ ...x, [f]: true }));
  const c = checkPassphrase(next);
  const errors: Record<string, string | undefined> = {
    current: current ? undefined : 'Enter the current passphrase.',
    next: c.ok ? (next === current ? 'The new passphrase is the same as the current one.' : undefined) : c.reason,
    confirm: confirm === next ? undefined : 'The two passphrases do not match.',
  };
  const valid = !errors.current && !errors.next && !errors.confirm;
  const show = (f: string) => (touched[f] ? errors[f] : undefined);
  // Neither rejects, so a click fires and forgets them: a failed copy leaves the save-to-file button, and
  // changePassphrase shows its own failure in the tab's result bar.
  const copyNext = async () => {
    try {
      await navigator.clipboard.writeText(next);
      setSaved(true);
    } catch {
      /* the save-to-file button remains */
    }
  };
  const changeIt = async () => {
    const r = await change(current, next);
    if (r) {
      setCurrent('');
      setNext('');
      setConfirm('');
      setTouched({});
    }
  };
  if (!view.passphraseSet) return <Text>No passphrase is set yet: it is chosen in the Schedule Backup wizard.</Text>;
  return (
    <div style={{ display: 'grid', gap: 10, maxWidth: 560, gridTemplateColumns: 'minmax(0, 1fr)' }}>
      <Text data-testid="cp-pass-protection" size={200}>
        The backup passphrase of this machine was set{' '}
        {view.passphraseSetAt ? `on ${formatDateTime(view.passphraseSetAt)}` : 'earlier'}. Scheduled backups read it
        from here, stored protected: {view.protection}
      </Text>
      <PassphraseField
        label="Current passphrase"
        testId="cp-pass-current"
        value={current}
        onChange={setCurrent}
        onBlur={() => touch('current')}
        field={fieldState(show('current'), 'cp-pass-current')}
      />
      <PassphraseField
        label="New passphrase (16–256 printable ASCII)"
        testId="cp-pass-new"
        value={next}
        onChange={(v) => (setNext(v), setSaved(false))}
        onBlur={() => touch('next')}
        field={fieldState(show('next'), 'cp-pass-new')}
      />
      <PassphraseField
        label="Confirm new passphrase"
        testId="cp-pass-confirm"
        value={confirm}
        onChange={setConfirm}
        onBlur={() => touch('confirm')}
        field={fieldState(show('confirm'), 'cp-pass-confirm')}
      />
      <div style={{ display: 'flex', gap: 8 }}>
        <Button
          data-testid="cp-pass-generate"
          onClick={() => {
            const p = generatePassphrase(32);
            setNext(p);
            setConfirm(p);
            setSaved(false);
          }}
        >
          Generate passphrase
        </Button>
        <Button data-testid="cp-pass-copy" disabled={!valid} onClick={() => void copyNext()}>
          Copy new passphrase
        </Button>
        <Button
          data-testid="cp-pass-save-file"
          disabled={!valid}
          onClick={() => {
            const url = URL.createObjectURL(
              new Blob([`Offline Backup Console encryption passphrase\r\n${next}\r\n`], { type: 'text/plain' }),
            );
            const a = Object.assign(document.createElement('a'), { href: url, download: 'obc-passphrase.txt' });
            document.body.appendChild(a);
            a.click();
            a.remove();
            setTimeout(() => URL.revokeObjectURL(url), 10_000);
            setSaved(true);
          }}
        >
          Save new passphrase to file…
        </Button>
      </div>
      {valid && !saved && <Text size={200}>Save or copy the new passphrase before changing it.</Text>}
      <div>
        <Button
          data-testid="cp-pass-change"
          appearance="primary"
          disabled={!valid || !saved || saving}
          onClick={() => void changeIt()}
        >
          Change passphrase
        </Button>
      </div>
    </div>
  );
}
