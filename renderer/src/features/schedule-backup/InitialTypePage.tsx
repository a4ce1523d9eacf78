/**
 * Page 5: Choose Initial Backup Type. Own disks is the deep path; the other two are selectable and say plainly what
 * this build does with them.
 * data-testid: sb-initial-type, sb-type-online, sb-type-ownDisks, sb-type-dataBox, sb-type-note
 */
import {
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarGroup,
  Radio,
  RadioGroup,
  Text,
} from '@fluentui/react-components';
import type { InitialBackupType } from '../../../../shared/policy.ts';
import { useAppStore } from '../../store/index.ts';
import { LATER_BACKUPS } from '../console/backup-home.ts';

const NOTES: Record<InitialBackupType, string> = {
  online:
    'The first backup would be sent over the network to a Recovery Services vault. This build has no vault transfer: the policy is saved and its runs are recorded in the Jobs view, but no data leaves this machine.',
  ownDisks:
    'The first backup is written to a staging location on this machine or a network share. You copy it onto your own SATA disks with Prepare Disks, ship them to an Azure datacenter and the Import/Export service imports them into a storage container. ' +
    LATER_BACKUPS,
  dataBox:
    'Azure Data Box disks are ordered and shipped by Microsoft. This build does not create Data Box orders: the policy is saved with this choice and scheduled runs are recorded, but you must order and copy Data Box disks outside this console.',
};

export function InitialTypePage() {
  const type = useAppStore((s) => s.scheduleBackup.data.initialType);
  const update = useAppStore((s) => s.updateWizardData);
  return (
    <div
      style={{ display: 'grid', gap: 12, maxWidth: 720, gridTemplateColumns: 'minmax(0, 1fr)' }}
      data-testid="sb-initial-type-page"
    >
      <Text as="h3" size={500} weight="semibold">
        Choose Initial Backup Type
      </Text>
      <Field label="How should the first (initial) backup reach Azure?">
        <RadioGroup
          data-testid="sb-initial-type"
          value={type}
          onChange={(_, d) => update({ initialType: d.value as InitialBackupType })}
        >
          <Radio data-testid="sb-type-online" value="online" label="Automatically over the network" />
          <Radio data-testid="sb-type-ownDisks" value="ownDisks" label="Transfer using my own disks" />
          <Radio data-testid="sb-type-dataBox" value="dataBox" label="Transfer using Microsoft Azure Data Box disks" />
        </RadioGroup>
      </Field>
      <MessageBarGroup>
        <MessageBar
          layout="multiline"
          intent={type === 'ownDisks' ? 'info' : 'warning'}
          data-testid="sb-type-note"
          data-type={type}
        >
          <MessageBarBody>{NOTES[type]}</MessageBarBody>
        </MessageBar>
      </MessageBarGroup>
    </div>
  );
}
