// One group of settings as its own form: each field with its unit, default, meaning and source, "reset to default", errors beside it.
import { useState, type FormEvent } from 'react';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { FormActions } from '../../components/form-actions';
import { validate, type FieldErrors } from '../../lib/form-errors';
import { useFormSubmission } from '../../lib/use-form-submission';
import { defaultLabel, type SettingField, type SettingGroup } from './setting-fields';

type Values<Name extends string> = Record<Name, number | null>;

interface SafeParser {
  safeParse(
    input: unknown,
  ): { success: true; data: unknown } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

interface SettingGroupFormProps<Name extends string> {
  group: SettingGroup<Name>;
  saved: Values<Name>;
  /** The shared schema the API validates the request with: the same messages before anything is sent. */
  schema: SafeParser;
  save: (patch: Partial<Values<Name>>) => Promise<Values<Name>>;
}

const asText = (value: number | null) => (value === null ? '' : String(value));

export function SettingGroupForm<Name extends string>({ group, saved: initial, schema, save }: SettingGroupFormProps<Name>) {
  const [saved, setSaved] = useState(initial);
  const [text, setText] = useState<Record<Name, string>>(() => textOf(group, initial));
  const [savedNote, setSavedNote] = useState<string | null>(null);
  const { errors, message, busy, refuse, send } = useFormSubmission();
  const changed = group.fields.filter((f) => text[f.name].trim() !== asText(saved[f.name]));

  function edit(name: Name, value: string) {
    setText((t) => ({ ...t, [name]: value }));
    setSavedNote(null);
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSavedNote(null);
    if (changed.length === 0) return;
    const patch: Partial<Record<Name, number | null>> = {};
    const missing: FieldErrors = {};
    for (const field of changed) {
      const typed = text[field.name].trim();
      if (typed === '' && field.defaultValue !== null) missing[field.name] = 'is required';
      else patch[field.name] = typed === '' ? null : Number(typed);
    }
    // Nothing left to check when every changed field was emptied: "is required" beside each, not the schema's "at least one".
    const checked = Object.keys(patch).length > 0 ? validate(schema, patch) : ({ ok: true } as const);
    if (!checked.ok || Object.keys(missing).length > 0) return refuse({ ...(checked.ok ? {} : checked.fields), ...missing });
    await send(async () => {
      const after = await save(patch);
      setSaved(after);
      setText(textOf(group, after));
      setSavedNote(`Saved: ${changed.map((f) => f.label + (sameLabel(group, f) ? ` (${f.unit})` : '')).join(', ')}.`);
    });
  }

  return (
    <form
      className="form settings-group"
      onSubmit={onSubmit}
      noValidate
      aria-labelledby={`settings-${group.id}-title`}
      data-testid={`settings-form-${group.id}`}
    >
      <h2 id={`settings-${group.id}-title`}>{group.title}</h2>
      <p className="muted">{group.intro}</p>
      <FormErrorSummary message={message} fields={errors} shown={group.fields.map((f) => f.name)} />
      <div className="settings-grid">
        {group.fields.map((field) => (
          <SettingInput
            key={field.name}
            field={field}
            text={text[field.name]}
            error={errors[field.name]}
            unsaved={text[field.name].trim() !== asText(saved[field.name])}
            onChange={(value) => edit(field.name, value)}
          />
        ))}
      </div>
      <FormActions busy={busy} label={changed.length > 1 ? `Save ${changed.length} changes` : 'Save'} testId={`save-${group.id}`}>
        {changed.length > 0 && !busy && (
          <button
            type="button"
            className="button button--quiet"
            onClick={() => {
              setText(textOf(group, saved));
              setSavedNote(null);
            }}
          >
            Undo changes
          </button>
        )}
      </FormActions>
      {savedNote && (
        <p className="notice notice--ok settings-saved" role="status" data-testid={`saved-${group.id}`}>
          <span aria-hidden="true">✔ </span>
          {savedNote}
        </p>
      )}
    </form>
  );
}

function SettingInput<Name extends string>({
  field,
  text,
  error,
  unsaved,
  onChange,
}: {
  field: SettingField<Name>;
  text: string;
  error?: string;
  unsaved: boolean;
  onChange: (value: string) => void;
}) {
  const atDefault = text.trim() === asText(field.defaultValue);
  const hint = (
    <>
      <span className="setting__meaning">{field.meaning}</span>
      <span className="setting__default" data-testid={`default-${field.name}`}>
        Default: <strong>{defaultLabel(field)}</strong>. Allowed: {field.rangeText ?? `${field.min} to ${field.max}`}
        {field.whole ? ', whole numbers' : ''}.
      </span>
      {field.source && <span className="setting__source">Source: {field.source}.</span>}
    </>
  );
  return (
    <div className={`setting${unsaved ? ' setting--unsaved' : ''}`} data-setting={field.name}>
      <FormField
        label={
          <>
            {field.label} <span className="setting__unit">({field.unit})</span>
          </>
        }
        name={field.name}
        error={error}
        hint={hint}
      >
        <input
          type="number"
          inputMode="decimal"
          step={field.whole ? 1 : 'any'}
          value={text}
          onChange={(e) => onChange(e.target.value)}
          placeholder={field.defaultValue === null ? 'no limit' : undefined}
          data-testid={`setting-${field.name}`}
        />
      </FormField>
      <div className="setting__foot">
        {unsaved && (
          <span className="setting__pending" data-testid={`unsaved-${field.name}`}>
            <span aria-hidden="true">● </span>Not saved yet
          </span>
        )}
        <button
          type="button"
          className="button button--quiet button--small"
          disabled={atDefault}
          onClick={() => onChange(asText(field.defaultValue))}
          // The name starts with the visible words (WCAG 2.5.3, label in name), then says which field and its default.
          aria-label={`${atDefault ? 'At default' : 'Reset to default'}: ${field.label} (${field.unit}), default ${defaultLabel(field)}`}
          data-testid={`reset-${field.name}`}
        >
          {atDefault ? 'At default' : 'Reset to default'}
        </button>
      </div>
    </div>
  );
}

function textOf<Name extends string>(group: SettingGroup<Name>, values: Values<Name>): Record<Name, string> {
  return Object.fromEntries(group.fields.map((f) => [f.name, asText(values[f.name])])) as Record<Name, string>;
}

/** Two fields share a label (the same tolerance in two units): name the unit too. */
function sameLabel<Name extends string>(group: SettingGroup<Name>, field: SettingField<Name>): boolean {
  return group.fields.filter((f) => f.label === field.label).length > 1;
}
