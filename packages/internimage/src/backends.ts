// The backends the CLI and createClassifier can select, each imported only when asked for, so a backend that cannot load here never
// breaks the others.
import { setBackend } from '@internimage/core';

const PACKAGES: Record<string, () => Promise<unknown>> = {
  cpu: () => import('@internimage/backend-cpu'),
};

export const BACKEND_NAMES = Object.keys(PACKAGES);

/** Loads and activates `name`; throws with the reason when it cannot run. Never substitutes another backend. */
export async function useBackend(name: string): Promise<void> {
  const load = PACKAGES[name];
  if (!load) throw new Error(`unknown backend '${name}' (known: ${BACKEND_NAMES.join(', ')})`);
  await load();
  await setBackend(name);
}
