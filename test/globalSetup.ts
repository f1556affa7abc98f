// Integration tests run the CLI as users do, from the bundle: build it once per test run.
import { buildEngine } from '../scripts/build.mjs';

export default async function setup(): Promise<void> {
  await buildEngine();
}
