import { buildRenderer, rendererIsStale } from '../scripts/lib/build-steps.ts';

/** The specs drive the built renderer: build it once when sources are newer than out/renderer. */
export default async function globalSetup(): Promise<void> {
  if (await rendererIsStale()) await buildRenderer();
}
