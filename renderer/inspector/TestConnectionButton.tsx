import { useEffect, useRef, useState } from 'react';
import type { ConnectorKind } from '../../engine/contract/connector.js';
import type { TestConnectionResult } from '../../engine/contract/EngineApi.js';
import { useEditor } from '../EditorContext.js';

type Answer =
  | { state: 'idle' }
  | { state: 'testing' }
  | ({ state: 'done'; url: string; target: string | undefined } & TestConnectionResult);

/**
 * "Test connection" (SPEC §10): asks the engine to open the platform's connection once and
 * shows its one-line answer. The answer is for the URL (and queue or topic) it tested; editing
 * them clears it.
 */
export function TestConnectionButton({
  kind,
  url,
  target,
  testId,
}: {
  kind: ConnectorKind | null;
  url: string;
  target?: string | undefined;
  testId: string;
}) {
  const { engine } = useEditor();
  const [answer, setAnswer] = useState<Answer>({ state: 'idle' });
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => void (alive.current = false);
  }, []);
  const shown =
    answer.state === 'done' && (answer.url !== url || answer.target !== target) ? { state: 'idle' as const } : answer;
  const run = async (): Promise<void> => {
    if (!kind) return;
    setAnswer({ state: 'testing' });
    let result: TestConnectionResult;
    try {
      result = await engine.testConnection({ kind, url, ...(target !== undefined ? { target } : {}) });
    } catch (err) {
      result = { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
    if (alive.current) setAnswer({ state: 'done', url, target, ...result });
  };
  return (
    <div className="test-connection" data-testid={testId}>
      <button
        type="button"
        disabled={!kind || url.trim() === '' || shown.state === 'testing'}
        title={kind ? undefined : 'The URL’s scheme names no platform this build connects to'}
        onClick={() => void run()}
      >
        {shown.state === 'testing' ? 'Testing…' : 'Test connection'}
      </button>
      {shown.state === 'done' && (
        <span
          className={
            !shown.ok ? 'test-connection-failed' : shown.message ? 'test-connection-note' : 'test-connection-ok'
          }
          role="status"
          data-testid={`${testId}-answer`}
        >
          {shown.ok ? (shown.message ?? 'Connected') : shown.message}
        </span>
      )}
    </div>
  );
}
