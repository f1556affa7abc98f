import { useState } from 'react';
import { savePasswordInKeychain } from '../actions/savePasswordInKeychain.js';
import { useEditor } from '../EditorContext.js';
import { keychainNameOfUrl, keychainUnavailableReason, plainPasswordOfUrl } from '../graph/keychainPassword.js';

/**
 * "Save in keychain" for one connection's password (SPEC §10). In the desktop app the password
 * typed here (or the one written in plain text in the URL) goes to the OS keychain through the
 * desktop API, and the URL gets `${keychain:NAME}` instead; the graph file never holds it. In
 * the web host, or on a desktop without a keyring, the choice is shown disabled with the reason.
 */
export function KeychainPassword({
  name,
  url,
  available,
  onSaved,
}: {
  /** The connection's name. */
  name: string;
  url: string;
  /** The desktop's answer to "is the keychain available", null while asking. */
  available: boolean | null;
  /** A secret was saved (the panel lists the keychain's names again). */
  onSaved: () => void;
}) {
  const { store, keychain } = useEditor();
  const [password, setPassword] = useState('');
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const testId = `connection-${name}-keychain`;
  const reason = keychainUnavailableReason(keychain, available);
  if (reason) {
    return (
      <div className="keychain-password" data-testid={testId}>
        <button type="button" disabled title={reason}>
          Save in keychain
        </button>
        <span className="field-doc" data-testid={`${testId}-reason`}>
          {reason}
        </span>
      </div>
    );
  }
  const plain = plainPasswordOfUrl(url);
  // Already in the keychain: what is typed here replaces the secret under the same name.
  const kept = keychainNameOfUrl(url);
  const value = password !== '' ? password : (plain ?? '');
  const save = async (): Promise<void> => {
    setBusy(true);
    try {
      const saved = await savePasswordInKeychain({ store, keychain }, name, value);
      setPassword('');
      setAnswer({ ok: true, text: `Saved in the keychain as ${saved}; the URL says \${keychain:${saved}}.` });
      onSaved();
    } catch (err) {
      setAnswer({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="keychain-password" data-testid={testId}>
      <input
        type="password"
        autoComplete="off"
        aria-label={`Password of connection ${name}`}
        placeholder={kept ? 'new password' : 'password'}
        value={password}
        data-testid={`${testId}-input`}
        onChange={(e) => {
          setPassword(e.target.value);
          setAnswer(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && value !== '') void save();
        }}
      />
      <button
        type="button"
        disabled={busy || available !== true || value === ''}
        data-testid={`${testId}-save`}
        title="Keep the password in this computer’s keychain; the graph file gets ${keychain:NAME}"
        onClick={() => void save()}
      >
        {password === '' && plain !== null ? 'Move password to keychain' : 'Save in keychain'}
      </button>
      {answer && (
        <span
          className={answer.ok ? 'test-connection-ok' : 'field-error'}
          role="status"
          data-testid={`${testId}-answer`}
        >
          {answer.text}
        </span>
      )}
    </div>
  );
}
