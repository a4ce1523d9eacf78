/**
 * "Already BitLocker-encrypted…": accept a disk with its 48-digit recovery password instead of erasing it. The key is
 * checked as it is typed (format, per-group checksum); on accept it goes to the store (memory only) and is never
 * shown again in full.
 * data-testid: dp-key-dialog, dp-key-input, dp-key-message, dp-key-current, dp-key-accept, dp-key-remove, dp-key-cancel
 */
import { Button, Field, Input, Text } from '@fluentui/react-components';
import { FormDialog } from '../../components/FormDialog.tsx';
import { useState } from 'react';
import type { DiskInfo } from '../../../../shared/contract/diskprep.ts';
import { formatBytes } from '../../components/format.ts';
import {
  keyedDiskIsCleared,
  maskRecoveryPassword,
  normalizeRecoveryPassword,
  recoveryPasswordProblem,
} from './disk-rules.ts';

export interface BitLockerKeyDialogProps {
  /** The disk the key is for; null closes the dialog. */
  disk: DiskInfo | null;
  /** The job being prepared (a rehearsal disk already prepared for it is resumed, not cleared). */
  job?: string | null;
  /** The key already given for this disk (shown masked; typing a new one replaces it). */
  currentKey?: string;
  onAccept: (key: string) => void;
  /** Forget the key: the disk is erased and encrypted afresh like any other. */
  onRemove: () => void;
  onClose: () => void;
}

export function BitLockerKeyDialog({ disk, job, currentKey, onAccept, onRemove, onClose }: BitLockerKeyDialogProps) {
  const [typed, setTyped] = useState('');
  const [final, setFinal] = useState(false);
  const problem = recoveryPasswordProblem(typed, final);
  const close = () => {
    setTyped('');
    setFinal(false);
    onClose();
  };
  const where =
    disk?.kind === 'windows' ? (disk.volumes[0]?.mount ? `${disk.volumes[0].mount}:` : '<drive>:') : '<drive>:';
  return (
    <FormDialog
      open={!!disk}
      onClose={close}
      testId="dp-key-dialog"
      title={<>Disk {disk?.serial} is already BitLocker-encrypted</>}
      fields
      describedBy="dp-key-explain"
      onSubmit={() => {
        setFinal(true);
        if (recoveryPasswordProblem(typed, true)) return;
        const key = normalizeRecoveryPassword(typed);
        setTyped('');
        setFinal(false);
        onAccept(key);
      }}
      actions={
        <>
          <Button data-testid="dp-key-accept" type="submit" appearance="primary" disabled={!typed.trim() || !!problem}>
            Use this key
          </Button>
          {currentKey && (
            <Button
              data-testid="dp-key-remove"
              onClick={() => {
                setTyped('');
                setFinal(false);
                onRemove();
              }}
            >
              Erase instead
            </Button>
          )}
          <Button data-testid="dp-key-cancel" onClick={close}>
            Cancel
          </Button>
        </>
      }
    >
      <Text id="dp-key-explain">
        {disk?.serial} ({disk ? formatBytes(disk.sizeBytes) : ''}, {disk?.model}) keeps its BitLocker volume: it is{' '}
        <strong>not erased</strong> or reformatted, and the data of this job is copied onto it. Enter the volume's{' '}
        <strong>recovery password</strong> — the 48-digit numerical password (8 groups of 6 digits), not the unlock
        password. Disk Prep checks that it is this volume's before writing anything; the import job uses it to unlock
        the disk at the datacenter.
      </Text>
      {disk?.kind === 'windows' && (
        <Text size={200}>
          To see it on this computer: <code>manage-bde -protectors -get {where} -Type RecoveryPassword</code> (as
          administrator).
        </Text>
      )}
      {keyedDiskIsCleared(disk ?? undefined, job) && (
        <Text size={200}>
          Rehearsal disk: the key is recorded as its BitLocker key; the files it holds are cleared, as for any rehearsal
          disk.
        </Text>
      )}
      {currentKey && (
        <Text data-testid="dp-key-current" size={200}>
          A key is set for this disk ({maskRecoveryPassword(currentKey)}). Enter it again to replace it, or remove it to
          erase the disk instead.
        </Text>
      )}
      <Field
        label="Recovery password"
        required
        validationState={problem ? 'error' : 'none'}
        validationMessage={(problem ? <span data-testid="dp-key-message">{problem}</span> : undefined) ?? null}
        hint={(problem ? undefined : 'e.g. 123456-123456-…-123456; spaces or no dashes are fine when pasting.') ?? null}
      >
        <Input
          data-testid="dp-key-input"
          value={typed}
          onChange={(_, d) => setTyped(d.value)}
          onBlur={() => typed && setFinal(true)}
          autoComplete="off"
          spellCheck={false}
          inputMode="numeric"
          style={{ fontFamily: 'monospace' }}
        />
      </Field>
    </FormDialog>
  );
}
