// The TypeScript projects, one per environment (STYLE.md: "give each group its own tsconfig"),
// in the order they are checked. The one list that `npm run typecheck` and `npm test` share.
export const TSCONFIGS = [
  'engine/tsconfig.core.json',
  'engine/tsconfig.json',
  'renderer/tsconfig.json',
  'main/tsconfig.json',
  'test/tsconfig.json',
];
