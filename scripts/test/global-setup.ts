// Vitest global setup: the PGlite schema image is made once here, before the workers start their stacks in
// parallel; otherwise every in-memory stack of the first run would pay PGlite's initdb (about 5 s) itself.
import { ensureTemplate } from '../local-stack/prepare';

export default async function setup(): Promise<void> {
  await ensureTemplate();
}
