/**
 * Destructive confirmation (modal, alert): names every disk to be erased by serial and size; the user types the
 * job name to confirm.
 * Disks accepted with their BitLocker key are not erased; they are named as kept (dp-erase-kept-<serial>).
 * data-testid: dp-erase-dialog, dp-erase-disk-<serial>, dp-erase-kept-<serial>, dp-erase-confirm-input, dp-erase-confirm,
 * dp-erase-cancel
 */
import { Button, Field, Input, Text } from '@fluentui/react-components';
import { FormDialog } from '../../components/FormDialog.tsx';
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatBytes } from '../../components/format.ts';
import { useAppStore } from '../../store/index.ts';
import { eraseConfirmed } from './disk-rules.ts';

export function EraseDialog() {
  const { erase, disks, job, selected, keys } = useAppStore(
    useShallow((s) => ({
      erase: s.diskPrep.erase,
      disks: s.diskPrep.disks,
      job: s.diskPrep.job,
      selected: s.diskPrep.selected,
      keys: s.diskPrep.bitLockerKeys,
    })),
  );
  const close = useAppStore((s) => s.closeErase);
  const confirm = useAppStore((s) => s.confirmErase);
  const [typed, setTyped] = useState('');
  const [tried, setTried] = useState(false);
  const list = (disks?.disks ?? []).filter((d) => erase?.diskIds.includes(d.id));
  const kept =
    erase?.mode === 'start'
      ? (disks?.disks ?? []).filter((d) => selected.includes(d.id) && keys[d.id] && !erase.diskIds.includes(d.id))
      : [];
  const ok = !!job && eraseConfirmed(typed, job);
  const onClose = () => {
    setTyped('');
    setTried(false);
    close();
  };
  return (
    <FormDialog
      open={!!erase}
      onClose={onClose}
      testId="dp-erase-dialog"
      title={<>Erase {list.length === 1 ? 'this disk' : `these ${list.length} disks`}?</>}
      modalType="alert"
      fields
      onSubmit={() => {
        setTried(true);
        if (!ok) return;
        setTyped('');
        setTried(false);
        void confirm();
      }}
      actions={
        <>
          <Button data-testid="dp-erase-confirm" type="submit" appearance="primary" disabled={!ok}>
            Erase and prepare
          </Button>
          <Button data-testid="dp-erase-cancel" onClick={onClose}>
            Do not erase
          </Button>
        </>
      }
    >
      <Text>
        Everything on the following disks is erased; they are then encrypted with BitLocker and receive the data of{' '}
        {job}:
      </Text>
      <ul style={{ margin: 0 }}>
        {list.map((d) => (
          <li key={d.id} data-testid={`dp-erase-disk-${d.serial}`}>
            <strong>{d.serial}</strong> — {formatBytes(d.sizeBytes)} ({d.model}
            {d.rehearsal ? ', rehearsal disk' : ''})
            {d.usedBytes > 0 ? ` — holds ${formatBytes(d.usedBytes)} of data now` : ''}
          </li>
        ))}
      </ul>
      {kept.length > 0 && (
        <Text>
          Not erased — {kept.length === 1 ? 'this disk keeps its' : 'these disks keep their'} BitLocker volume (key
          given):{' '}
          {kept.map((d, i) => (
            <span key={d.id} data-testid={`dp-erase-kept-${d.serial}`}>
              {i > 0 ? ', ' : ''}
              <strong>{d.serial}</strong>
            </span>
          ))}
          .
        </Text>
      )}
      <Field
        label={`Type the job name "${job}" to confirm`}
        required
        validationMessage={(tried && !ok ? `Type exactly ${job}.` : undefined) ?? null}
      >
        <Input
          data-testid="dp-erase-confirm-input"
          value={typed}
          onChange={(_, d) => setTyped(d.value)}
          autoComplete="off"
        />
      </Field>
    </FormDialog>
  );
}
