import '../test-dom-shims.ts';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WizardFrame } from './WizardFrame.tsx';

function Harness({ onFinish }: { onFinish: () => void }) {
  const [step, setStep] = useState(0);
  const [name, setName] = useState('');
  const steps = [
    { id: 'name', title: 'Name', valid: name.trim().length > 0 },
    { id: 'confirm', title: 'Confirm', valid: true },
  ];
  return (
    <FluentProvider theme={webLightTheme}>
      <WizardFrame
        title="Test wizard"
        steps={steps}
        currentId={steps[step].id}
        onStepSelect={(id) => setStep(steps.findIndex((s) => s.id === id))}
        onBack={() => setStep((s) => s - 1)}
        onNext={() => (step === steps.length - 1 ? onFinish() : setStep((s) => s + 1))}
        onCancel={() => {}}
      >
        {step === 0 ? (
          <input aria-label="Job name" value={name} onChange={(e) => setName(e.target.value)} />
        ) : (
          <p>Ready: {name}</p>
        )}
      </WizardFrame>
    </FluentProvider>
  );
}

afterEach(cleanup);

describe('WizardFrame', () => {
  it('gates Next on the step being valid, disables future steps, and finishes on the last step', () => {
    const onFinish = vi.fn();
    render(<Harness onFinish={onFinish} />);
    const next = screen.getByTestId('wizard-next') as HTMLButtonElement;
    expect(next.disabled).toBe(true);
    expect((screen.getByTestId('wizard-back') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('wizard-step-confirm') as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(screen.getByLabelText('Job name'), { target: { value: 'Nightly' } });
    expect(next.disabled).toBe(false);
    fireEvent.click(next);
    expect(screen.getByText('Ready: Nightly')).toBeTruthy();
    expect(screen.getByTestId('wizard-next').textContent).toBe('Finish');
    expect((screen.getByTestId('wizard-back') as HTMLButtonElement).disabled).toBe(false);

    fireEvent.click(screen.getByTestId('wizard-step-name'));
    expect(screen.getByLabelText('Job name')).toBeTruthy();
    fireEvent.click(screen.getByTestId('wizard-next'));
    fireEvent.click(screen.getByTestId('wizard-next'));
    expect(onFinish).toHaveBeenCalledTimes(1);
  });
});
