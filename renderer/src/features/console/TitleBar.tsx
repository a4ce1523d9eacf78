/**
 * Top bar: product name, the signed-in account area (filled by the Azure layer, issue #5) and the theme switch.
 * data-testid: title-bar, account-area
 */
import { Text, makeStyles, tokens } from '@fluentui/react-components';
import { CloudArrowUpRegular, PersonRegular } from '@fluentui/react-icons';
import { ThemeSwitch } from './ThemeSwitch.tsx';

const useStyles = makeStyles({
  bar: {
    display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalL, padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground3, borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  name: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flex: 1, minWidth: 0 },
  account: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, color: tokens.colorNeutralForeground2 },
});

export function TitleBar() {
  const styles = useStyles();
  return (
    <header className={styles.bar} data-testid="title-bar">
      <div className={styles.name}>
        <CloudArrowUpRegular fontSize={24} aria-hidden />
        <Text as="h1" size={500} weight="semibold" style={{ margin: 0 }}>
          Offline Backup Console
        </Text>
      </div>
      <div className={styles.account} data-testid="account-area" aria-label="Azure account">
        <PersonRegular aria-hidden />
        <Text size={200}>Not signed in</Text>
      </div>
      <ThemeSwitch />
    </header>
  );
}
