/**
 * Top bar: product name, the signed-in account area (filled by the Azure layer, issue #5) and the theme switch.
 * data-testid: title-bar, account-area
 */
import { Text, makeStyles, tokens } from '@fluentui/react-components';
import { CloudArrowUpRegular, PersonRegular } from '@fluentui/react-icons';
import { useAppStore } from '../../store/index.ts';
import { ThemeSwitch } from './ThemeSwitch.tsx';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalL,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    backgroundColor: tokens.colorNeutralBackground3,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  name: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flex: 1, minWidth: 0 },
  account: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    color: tokens.colorNeutralForeground2,
  },
});

export function TitleBar() {
  const styles = useStyles();
  const auth = useAppStore((s) => s.auth);
  const navigate = useAppStore((s) => s.navigate);
  const label = !auth
    ? 'Not signed in'
    : auth.signedIn && auth.account
      ? `${auth.account.name ?? auth.account.username} · ${auth.cloudDisplayName}`
      : auth.needsSignIn
        ? `Sign in again · ${auth.cloudDisplayName}`
        : `Not signed in · ${auth.cloudDisplayName}`;
  return (
    <header className={styles.bar} data-testid="title-bar">
      <div className={styles.name}>
        <CloudArrowUpRegular fontSize={24} aria-hidden />
        <Text as="h1" size={500} weight="semibold" style={{ margin: 0 }}>
          Offline Backup Console
        </Text>
      </div>
      <button
        type="button"
        className={styles.account}
        data-testid="account-area"
        data-signed-in={auth?.signedIn ?? false}
        aria-label={`Azure account: ${label}. Open Sign in / out.`}
        title={auth?.account ? `${auth.account.username} (tenant ${auth.account.tenantId})` : undefined}
        onClick={() => navigate('signIn')}
        style={{ background: 'none', border: 'none', cursor: 'pointer', font: 'inherit' }}
      >
        <PersonRegular aria-hidden />
        <Text size={200}>{label}</Text>
      </button>
      <ThemeSwitch />
    </header>
  );
}
