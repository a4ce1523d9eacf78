/**
 * The console layout: skip link, title bar, main screen, Actions pane (right, as in the MARS console), status bar.
 * data-testid: console-shell, skip-link, main, screen-loading, settings-error
 */
import { Spinner, makeStyles, tokens } from '@fluentui/react-components';
import { Suspense, useEffect, useRef } from 'react';
import { ErrorBar } from '../../components/ErrorBar.tsx';
import { FolderBrowserHost } from '../../components/FolderBrowserHost.tsx';
import { useAppStore } from '../../store/index.ts';
import { screenById } from '../screens/registry.ts';
import { ActionsPane } from './ActionsPane.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { ConsoleHome } from './ConsoleHome.tsx';
import { StatusBar } from './StatusBar.tsx';
import { TitleBar } from './TitleBar.tsx';
import { ImportJobsNotices } from '../import-jobs/ImportJobsNotices.tsx';
import { watchImportJobs } from '../import-jobs/watch.ts';

const useStyles = makeStyles({
  shell: {
    display: 'grid',
    gridTemplateRows: 'auto 1fr auto',
    height: '100vh',
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
  },
  body: { display: 'grid', gridTemplateColumns: '1fr minmax(200px, 240px)', minHeight: 0 },
  // minmax(0, 1fr): no child (a long message, a wide table) can widen the column past the window.
  main: {
    overflow: 'auto',
    padding: tokens.spacingHorizontalXL,
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr)',
    alignContent: 'start',
    gap: tokens.spacingVerticalL,
    outlineStyle: 'none',
  },
  skip: {
    position: 'absolute',
    left: '8px',
    top: '-48px',
    zIndex: 1000,
    padding: '8px 12px',
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorBrandForegroundLink,
    border: `2px solid ${tokens.colorStrokeFocus2}`,
    ':focus': { top: '8px' },
  },
});

export function ConsoleShell() {
  const styles = useStyles();
  const screen = useAppStore((s) => s.screen);
  const settingsError = useAppStore((s) => (s.connection.state === 'connected' ? s.settingsError : null));
  const clearSettingsError = useAppStore((s) => s.clearSettingsError);
  const loadSettings = useAppStore((s) => s.loadSettings);
  const unexpectedError = useAppStore((s) => s.unexpectedError);
  const dismissUnexpected = useAppStore((s) => s.dismissUnexpected);
  const def = screenById(screen);
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);
  // Move focus to the new screen so keyboard and screen-reader users land on it (not on the first render).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [screen]);
  // Import jobs are watched on every screen, so state changes and near tracking deadlines are noticed anywhere.
  useEffect(() => watchImportJobs(), []);
  const Screen = def?.component;
  return (
    <div className={styles.shell} data-testid="console-shell">
      <a
        href="#main"
        className={styles.skip}
        data-testid="skip-link"
        onClick={(e) => {
          e.preventDefault();
          mainRef.current?.focus();
        }}
      >
        Skip to main content
      </a>
      <TitleBar />
      <div className={styles.body}>
        <main
          id="main"
          ref={mainRef}
          tabIndex={-1}
          className={styles.main}
          data-testid="main"
          aria-label={def?.label ?? 'Jobs'}
        >
          <ConnectionBanner />
          <ErrorBar
            error={settingsError}
            title="Settings"
            testId="settings-error"
            onRetry={() => void loadSettings()}
            onDismiss={clearSettingsError}
          />
          <ErrorBar
            error={unexpectedError}
            title="Something went wrong"
            testId="unexpected-error"
            onDismiss={dismissUnexpected}
          />
          {screen !== 'importJobs' && <ImportJobsNotices openButton />}
          {Screen && def ? (
            <Suspense fallback={<Spinner data-testid="screen-loading" label={`Loading ${def.label}…`} />}>
              <Screen screen={def} />
            </Suspense>
          ) : (
            <ConsoleHome />
          )}
        </main>
        <ActionsPane />
      </div>
      <StatusBar />
      <FolderBrowserHost />
    </div>
  );
}
