/**
 * Page 8: Encryption passphrase (first policy only): 16–256 printable ASCII, typed twice or generated; it must be saved
 * to a file or copied before Next, since nothing can be restored without it.
 * data-testid: sb-passphrase, sb-passphrase-error, sb-passphrase-confirm, sb-passphrase-confirm-error, sb-passphrase-show,
 *   sb-passphrase-generate, sb-passphrase-save, sb-passphrase-copy, sb-passphrase-saved, sb-passphrase-saved-error
 */
import { Button, Checkbox, Field, Text } from '@fluentui/react-components';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { generatePassphrase } from '../../../../shared/validators/passphrase.ts';
import { useAppStore } from '../../store/index.ts';
import { fieldState, usePageErrors } from './use-wizard.tsx';
import { PassphraseField } from '../../components/PassphraseField.tsx';

export function PassphrasePage() {
  const d = useAppStore(
    useShallow((s) => ({
      p: s.scheduleBackup.data.passphrase,
      c: s.scheduleBackup.data.passphraseConfirm,
      saved: s.scheduleBackup.data.passphraseSaved,
    })),
  );
  const update = useAppStore((s) => s.updateWizardData);
  const touch = useAppStore((s) => s.touchField);
  const { errors, show } = usePageErrors('passphrase');
  const [visible, setVisible] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const canKeep = !errors.passphrase && !errors.passphraseConfirm;
  const required = useAppStore((s) => s.scheduleBackup.data.passphraseRequired);

  const saveFile = () => {
    const blob = new Blob([`Offline Backup Console encryption passphrase\r\n${d.p}\r\n`], { type: 'text/plain' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = 'obc-passphrase.txt';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    update({ passphraseSaved: true });
    setNote('Saved as obc-passphrase.txt in your downloads. Move it somewhere safe, away from this machine.');
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(d.p);
      update({ passphraseSaved: true });
      setNote('Copied to the clipboard. Paste it into your password manager or key vault now.');
    } catch (err) {
      setNote(`Could not copy (${(err as Error).message}); save it to a file instead.`);
    }
  };

  if (!required)
    return (
      <div
        style={{ display: 'grid', gap: 12, maxWidth: 640, gridTemplateColumns: 'minmax(0, 1fr)' }}
        data-testid="sb-passphrase-page"
        data-kept="yes"
      >
        <Text as="h3" size={500} weight="semibold">
          Encryption passphrase
        </Text>
        <Text data-testid="sb-passphrase-kept">
          This machine already has a backup passphrase: it was kept when the earlier schedule was stopped and deleted,
          because the backups written with it can only be restored with it. The new schedule uses the same passphrase.
          Make sure you still have your saved copy; to choose another one, change it under Change Properties →
          Encryption once this wizard is done.
        </Text>
      </div>
    );
  return (
    <div
      style={{ display: 'grid', gap: 12, maxWidth: 640, gridTemplateColumns: 'minmax(0, 1fr)' }}
      data-testid="sb-passphrase-page"
    >
      <Text as="h3" size={500} weight="semibold">
        Encryption passphrase
      </Text>
      <Text>
        Backups are encrypted with a key derived from this passphrase. Keep it safe and away from this machine: without
        it nothing can be restored, and Microsoft cannot recover it. 16 to 256 characters, printable ASCII (letters,
        digits, spaces, punctuation).
      </Text>
      <PassphraseField
        label="Passphrase"
        testId="sb-passphrase"
        visible={visible}
        newPassphrase
        value={d.p}
        onChange={(passphrase) => update({ passphrase })}
        onBlur={() => touch('passphrase')}
        field={fieldState(show('passphrase'), 'sb-passphrase')}
      />
      <PassphraseField
        label="Confirm passphrase"
        testId="sb-passphrase-confirm"
        visible={visible}
        newPassphrase
        value={d.c}
        onChange={(passphraseConfirm) => update({ passphraseConfirm })}
        onBlur={() => touch('passphraseConfirm')}
        field={fieldState(show('passphraseConfirm'), 'sb-passphrase-confirm')}
      />
      <Checkbox
        data-testid="sb-passphrase-show"
        label="Show passphrase"
        checked={visible}
        onChange={(_, v) => setVisible(!!v.checked)}
      />
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
        <Button
          data-testid="sb-passphrase-generate"
          onClick={() => {
            const p = generatePassphrase(32);
            update({ passphrase: p, passphraseConfirm: p });
            touch('passphrase', 'passphraseConfirm');
            setVisible(true);
            setNote(null);
          }}
        >
          Generate passphrase
        </Button>
        <Button data-testid="sb-passphrase-save" disabled={!canKeep} onClick={saveFile}>
          Save to file…
        </Button>
        <Button data-testid="sb-passphrase-copy" disabled={!canKeep} onClick={() => void copy()}>
          Copy
        </Button>
      </div>
      <Field
        {...fieldState(
          canKeep && !d.saved && (show('passphrase') || show('passphraseConfirm') || d.p.length > 0)
            ? errors.passphraseSaved
            : undefined,
          'sb-passphrase-saved',
        )}
      >
        <Text data-testid="sb-passphrase-saved" data-saved={d.saved ? 'yes' : 'no'}>
          {d.saved ? (note ?? 'The passphrase has been saved or copied.') : (note ?? 'Not saved yet.')}
        </Text>
      </Field>
    </div>
  );
}
