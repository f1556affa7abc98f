/** What main tells the engine process at start: where files may be read and where the examples are. */
export interface EngineProcessConfig {
  /** Folders the engine may list and open files in. */
  roots: string[];
  /** The template gallery's folder (assets/examples, or resources/examples when packaged). */
  examplesDir: string;
  /** The app's data folder (userData): unsaved graphs' state stores and template copies. */
  dataDir?: string;
}

const FLAG = '--sluice-engine-config=';

/** The argv entry that carries `config` to the utility process. */
export function engineConfigArg(config: EngineProcessConfig): string {
  return FLAG + JSON.stringify(config);
}

/** Read the config back from the utility process's argv; throws one sentence if main did not pass it. */
export function parseEngineProcessConfig(argv: readonly string[]): EngineProcessConfig {
  const arg = argv.find((a) => a.startsWith(FLAG));
  if (!arg) throw new Error('The engine process was started without its configuration.');
  const data = JSON.parse(arg.slice(FLAG.length)) as Partial<EngineProcessConfig>;
  if (
    !Array.isArray(data.roots) ||
    !data.roots.every((r) => typeof r === 'string') ||
    typeof data.examplesDir !== 'string'
  ) {
    throw new Error('The engine process configuration is malformed.');
  }
  return {
    roots: data.roots,
    examplesDir: data.examplesDir,
    ...(typeof data.dataDir === 'string' ? { dataDir: data.dataDir } : {}),
  };
}
