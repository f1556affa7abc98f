import type { FieldSchema } from '../../engine/contract/descriptor.js';
import { CodeField } from './CodeField.js';

export interface FieldEditorProps {
  name: string;
  schema: FieldSchema;
  value: unknown;
  /** `undefined` removes the field so its default applies. */
  onChange(value: unknown): void;
  /** Validation messages for this field, shown under it. */
  messages?: readonly string[];
  /** Inside a list row: no doc line, tighter layout. */
  compact?: boolean;
  testId: string;
}

/** Default values as the user would type them. */
function defaultText(schema: FieldSchema): string {
  if (schema.default === undefined) return '';
  if (Array.isArray(schema.default)) return schema.default.join(', ');
  return String(schema.default);
}

/** One config field: the widget for its kind, its label, doc, default and inline messages. */
export function FieldEditor({ name, schema, value, onChange, messages, compact, testId }: FieldEditorProps) {
  const def = defaultText(schema);
  const invalid = messages && messages.length > 0;
  return (
    <div
      className={`field kind-${schema.kind}${invalid ? ' invalid' : ''}${compact ? ' compact' : ''}`}
      data-testid={testId}
    >
      <label className="field-label" htmlFor={testId + '-input'}>
        {schema.label}
        {schema.required && (
          <span className="req" title="Required">
            *
          </span>
        )}
        {!compact && <code className="field-name">{name}</code>}
      </label>
      {renderWidget()}
      {!compact && (
        <div className="field-doc">
          {schema.doc}
          {def && schema.kind !== 'boolean' && <span className="default"> Default: {def}.</span>}
          {(schema.kind === 'expression' || schema.kind === 'code') && schema.vars.length > 0 && (
            <span className="vars"> Uses {schema.vars.map((v) => `\`${v}\``).join(', ')}.</span>
          )}
        </div>
      )}
      {messages?.map((m, i) => (
        <div className="field-error" key={i} data-testid="field-error">
          {m}
        </div>
      ))}
    </div>
  );

  function renderWidget() {
    const id = testId + '-input';
    switch (schema.kind) {
      case 'string':
      case 'path':
        return (
          <input
            id={id}
            data-testid={id}
            type="text"
            value={typeof value === 'string' ? value : ''}
            placeholder={def || (schema.kind === 'path' ? 'relative to the graph file' : '')}
            onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
          />
        );
      case 'number':
        return (
          <input
            id={id}
            data-testid={id}
            type="number"
            value={typeof value === 'number' ? value : ''}
            placeholder={def}
            min={schema.min}
            max={schema.max}
            step={schema.integer ? 1 : 'any'}
            onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
          />
        );
      case 'boolean':
        return (
          <label className="switch">
            <input
              id={id}
              data-testid={id}
              type="checkbox"
              checked={typeof value === 'boolean' ? value : schema.default === true}
              onChange={(e) => onChange(e.target.checked)}
            />
            <span>{(typeof value === 'boolean' ? value : schema.default === true) ? 'on' : 'off'}</span>
          </label>
        );
      case 'enum':
        return (
          <select
            id={id}
            data-testid={id}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
          >
            <option value="">{schema.default !== undefined ? `default (${schema.default})` : '— choose —'}</option>
            {schema.values.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        );
      case 'expression':
      case 'code':
        return (
          <CodeField
            kind={schema.kind}
            vars={schema.vars}
            value={typeof value === 'string' ? value : ''}
            placeholder={
              def || (schema.kind === 'expression' ? 'JavaScript expression' : '// JavaScript function body')
            }
            onChange={(v) => onChange(v === '' ? undefined : v)}
            testId={id}
          />
        );
      case 'stringList': {
        const list = Array.isArray(value) ? value.map(String) : [];
        return (
          <div className="string-list">
            {list.map((item, i) => (
              <div className="row" key={i}>
                <input
                  type="text"
                  value={item}
                  onChange={(e) => onChange(list.map((x, j) => (j === i ? e.target.value : x)))}
                />
                <button className="icon" title="Remove" onClick={() => onChange(list.filter((_, j) => j !== i))}>
                  ×
                </button>
              </div>
            ))}
            <button className="add" onClick={() => onChange([...list, ''])} data-testid={`${id}-add`}>
              + Add
            </button>
          </div>
        );
      }
      case 'list': {
        const rows = Array.isArray(value) ? (value as unknown[]) : [];
        const itemFields = Object.entries(schema.item);
        return (
          <div className="record-list">
            {rows.map((row, i) => {
              const record = row && typeof row === 'object' ? (row as Record<string, unknown>) : {};
              return (
                <div className="record" key={i}>
                  <div className="record-head">
                    <span>#{i + 1}</span>
                    <button className="icon" title="Remove" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                      ×
                    </button>
                  </div>
                  {itemFields.map(([sub, subSchema]) => (
                    <FieldEditor
                      key={sub}
                      name={sub}
                      schema={subSchema}
                      value={record[sub]}
                      compact
                      testId={`${testId}-${i}-${sub}`}
                      onChange={(v) =>
                        onChange(
                          rows.map((r, j) => {
                            if (j !== i) return r;
                            const next = { ...record };
                            if (v === undefined) delete next[sub];
                            else next[sub] = v;
                            return next;
                          }),
                        )
                      }
                    />
                  ))}
                </div>
              );
            })}
            <button className="add" onClick={() => onChange([...rows, {}])} data-testid={`${id}-add`}>
              + Add
            </button>
          </div>
        );
      }
      case 'record': {
        const record =
          value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
        return (
          <div className="record" data-testid={id}>
            {Object.entries(schema.fields).map(([sub, subSchema]) => (
              <FieldEditor
                key={sub}
                name={sub}
                schema={subSchema}
                value={record[sub]}
                compact
                testId={`${testId}-${sub}`}
                onChange={(v) => {
                  const next = { ...record };
                  if (v === undefined) delete next[sub];
                  else next[sub] = v;
                  onChange(Object.keys(next).length === 0 ? undefined : next);
                }}
              />
            ))}
          </div>
        );
      }
    }
  }
}
