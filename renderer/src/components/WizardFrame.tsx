/**
 * Frame shared by every wizard: a vertical TabList of steps (future steps disabled, visited ones clickable),
 * the step content, and a Back / Next / Cancel footer. Next is disabled while the current step is invalid. The footer
 * sticks to the bottom of the window, so Next stays in view on a long page. Once the wizard has finished
 * (`finished`: the policy saved, the task started) Back and Cancel are disabled; Next (the finish label) closes.
 * data-testid: wizard, wizard-steps, wizard-step-<id>, wizard-content, wizard-back, wizard-next, wizard-cancel
 */
import { Button, Spinner, Tab, TabList, Text, makeStyles, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';

export interface WizardStepDef {
  id: string;
  title: string;
  /** Whether Next may leave this step (from a pure validateStep). */
  valid: boolean;
}

export interface WizardFrameProps {
  title: string;
  steps: readonly WizardStepDef[];
  currentId: string;
  /** Furthest step index reached; steps up to it are clickable. Defaults to the current index. */
  reachedIndex?: number;
  onStepSelect?: (id: string) => void;
  onBack: () => void;
  onNext: () => void;
  onCancel: () => void;
  /** Label of Next on the last step (default "Finish"). */
  finishLabel?: string;
  /** Label of the Cancel button (default "Cancel"; "Close" where closing stops nothing). */
  cancelLabel?: string;
  /** The work is done or running on its own: nothing to go back to or cancel here. */
  finished?: boolean;
  busy?: boolean;
  children: ReactNode;
}

const useStyles = makeStyles({
  root: {
    display: 'grid',
    gridTemplateColumns: 'minmax(180px, 220px) 1fr',
    gridTemplateRows: 'auto 1fr auto',
    height: '100%',
    minHeight: 0,
  },
  title: {
    gridColumn: '1 / span 2',
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  steps: {
    padding: tokens.spacingVerticalM,
    borderRight: `1px solid ${tokens.colorNeutralStroke2}`,
    overflowY: 'auto',
  },
  content: { padding: tokens.spacingHorizontalL, overflowY: 'auto', minWidth: 0 },
  // Fluent centres a tab's label in a cell as wide as its bold form: left-align so every step label starts at one x.
  stepLabel: { justifySelf: 'start', textAlign: 'left' },
  footer: {
    gridColumn: '1 / span 2',
    display: 'flex',
    justifyContent: 'flex-end',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalM} ${tokens.spacingHorizontalL}`,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
    position: 'sticky',
    bottom: 0,
    zIndex: 1,
    backgroundColor: tokens.colorNeutralBackground1,
  },
});

export function WizardFrame(props: WizardFrameProps) {
  const {
    title,
    steps,
    currentId,
    onStepSelect,
    onBack,
    onNext,
    onCancel,
    finishLabel = 'Finish',
    cancelLabel = 'Cancel',
    finished = false,
    busy = false,
    children,
  } = props;
  const styles = useStyles();
  const index = Math.max(
    0,
    steps.findIndex((s) => s.id === currentId),
  );
  const reached = Math.max(index, props.reachedIndex ?? index);
  const current = steps[index];
  const last = index === steps.length - 1;
  return (
    <section className={styles.root} data-testid="wizard" aria-label={title}>
      <div className={styles.title}>
        <Text as="h2" size={500} weight="semibold">
          {title}
        </Text>
      </div>
      <nav className={styles.steps} aria-label={`${title} steps`}>
        <TabList
          data-testid="wizard-steps"
          vertical
          selectedValue={currentId}
          onTabSelect={(_, d) => onStepSelect?.(String(d.value))}
        >
          {steps.map((s, i) => (
            <Tab
              key={s.id}
              value={s.id}
              data-testid={`wizard-step-${s.id}`}
              disabled={i > reached || busy}
              content={{ className: styles.stepLabel }}
            >
              {s.title}
            </Tab>
          ))}
        </TabList>
      </nav>
      <div className={styles.content} data-testid="wizard-content" role="region" aria-label={current?.title}>
        {children}
      </div>
      <div className={styles.footer}>
        {busy && <Spinner size="tiny" label="Working…" />}
        <Button data-testid="wizard-back" onClick={onBack} disabled={index === 0 || busy || finished}>
          Back
        </Button>
        <Button data-testid="wizard-next" appearance="primary" onClick={onNext} disabled={!current?.valid || busy}>
          {last ? finishLabel : 'Next'}
        </Button>
        <Button data-testid="wizard-cancel" onClick={onCancel} disabled={finished}>
          {cancelLabel}
        </Button>
      </div>
    </section>
  );
}
