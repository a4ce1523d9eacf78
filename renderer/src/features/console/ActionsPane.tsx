/**
 * The MARS-style Actions pane: one vertical toolbar (arrow keys move between actions, Tab leaves it).
 * data-testid: actions-pane, action-<screenId> (action-console, action-scheduleBackup, action-backUpNow, …)
 */
import { Text, Toolbar, ToolbarButton, makeStyles, tokens } from '@fluentui/react-components';
import {
  ArrowDownloadRegular,
  BoxRegular,
  CalendarClockRegular,
  HardDriveRegular,
  ListRegular,
  PersonRegular,
  PlayRegular,
  SettingsRegular,
} from '@fluentui/react-icons';
import type { JSX } from 'react';
import { useAppStore } from '../../store/index.ts';
import type { ScreenId } from '../../store/state/ui.ts';
import { SCREENS } from '../screens/registry.ts';

const ICONS: Record<ScreenId, JSX.Element> = {
  console: <ListRegular />,
  scheduleBackup: <CalendarClockRegular />,
  backUpNow: <PlayRegular />,
  recoverData: <ArrowDownloadRegular />,
  prepareDisks: <HardDriveRegular />,
  importJobs: <BoxRegular />,
  changeProperties: <SettingsRegular />,
  signIn: <PersonRegular />,
};

const useStyles = makeStyles({
  pane: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalM,
    borderLeft: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground2,
    overflowY: 'auto',
  },
  button: { justifyContent: 'flex-start', width: '100%' },
  // A bar plus weight, not only a tint, so the current screen stays visible in high contrast.
  current: {
    boxShadow: `inset 3px 0 0 ${tokens.colorCompoundBrandStroke}`,
    backgroundColor: tokens.colorSubtleBackgroundSelected,
    color: tokens.colorNeutralForeground1,
  },
});

export function ActionsPane() {
  const styles = useStyles();
  const screen = useAppStore((s) => s.screen);
  const navigate = useAppStore((s) => s.navigate);
  const items: { id: ScreenId; label: string }[] = [
    { id: 'console', label: 'Jobs' },
    ...SCREENS.map((s) => ({ id: s.id, label: s.label })),
  ];
  return (
    <aside className={styles.pane} aria-labelledby="actions-heading" data-testid="actions-pane">
      <Text as="h2" id="actions-heading" size={400} weight="semibold" style={{ margin: 0 }}>
        Actions
      </Text>
      <Toolbar vertical aria-labelledby="actions-heading">
        {items.map((it) => (
          <ToolbarButton
            key={it.id}
            data-testid={`action-${it.id}`}
            className={`${styles.button} ${screen === it.id ? styles.current : ''}`}
            icon={ICONS[it.id]}
            aria-current={screen === it.id ? 'page' : undefined}
            onClick={() => navigate(it.id)}
          >
            {it.label}
          </ToolbarButton>
        ))}
      </Toolbar>
    </aside>
  );
}
