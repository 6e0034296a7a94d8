// The clinic's locale on /admin/settings: how its date fields read and are typed, whatever language each computer is set to.
import { useId, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { canonicalLocale, formatDateInLocale, formatDateTimeInLocale, datePatternOf, type ClinicSettings } from '@pumpwatch/shared';
import { api } from '../../lib/api';
import { CLINIC_LOCALES_KEY } from '../../lib/clinic-locale';
import { useFormSubmission } from '../../lib/use-form-submission';
import { FormErrorSummary, FormField } from '../../components/form-field';
import { FormActions } from '../../components/form-actions';

/** Common choices offered as the field is typed; any BCP 47 tag the browser formats dates in is accepted. */
const SUGGESTED = ['fr-FR', 'de-DE', 'de-AT', 'de-CH', 'en-GB', 'en-US', 'en-IE', 'en-AU', 'es-ES', 'it-IT', 'nl-NL', 'pt-PT', 'sv-SE'];

/** 31 January 2026, 14:05 written in a locale, or null for a tag that is not one (yet). */
function example(tag: string): string | null {
  const locale = canonicalLocale(tag);
  if (!locale) return null;
  return `${formatDateInLocale('2026-01-31', locale)} (${datePatternOf(locale).dateHint}), ${formatDateTimeInLocale('2026-01-31T14:05', locale)}`;
}

export function ClinicLocaleForm({ settings: loaded }: { settings: ClinicSettings }) {
  const queryClient = useQueryClient();
  const listId = useId();
  const [settings, setSettings] = useState(loaded);
  const chosen = settings.locale === settings.defaultLocale ? '' : settings.locale;
  const [text, setText] = useState(chosen);
  const [savedNote, setSavedNote] = useState<string | null>(null);
  const { errors, message, busy, refuse, send } = useFormSubmission();
  const typed = text.trim();
  const inForce = typed === '' ? settings.defaultLocale : typed;
  const shown = example(inForce);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSavedNote(null);
    if (typed !== '' && canonicalLocale(typed) === null)
      return refuse({ locale: 'must be a BCP 47 locale such as fr-FR, de-DE, en-GB or en-US' });
    await send(async () => {
      const after = await api.updateClinicSettings(settings.clinicId, { locale: typed === '' ? null : typed });
      setText(after.locale === after.defaultLocale ? '' : after.locale);
      // Every date field of the dashboard follows at once.
      await queryClient.invalidateQueries({ queryKey: CLINIC_LOCALES_KEY });
      setSavedNote(`Saved: dates now read ${example(after.locale) ?? after.locale}.`);
      setSettings(after);
    });
  }

  return (
    <form
      className="form settings-group"
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="settings-locale-title"
      data-testid="settings-form-locale"
    >
      <h2 id="settings-locale-title">Dates and times</h2>
      <p className="muted">
        How every date field of the dashboard is shown and typed for this clinic, whatever language each computer uses.
      </p>
      <FormErrorSummary message={message} fields={errors} shown={['locale']} />
      <div className="settings-grid">
        <div className={`setting${typed !== chosen ? ' setting--unsaved' : ''}`} data-setting="locale">
          <FormField
            label={
              <>
                Date format <span className="setting__unit">(locale, BCP 47)</span>
              </>
            }
            name="locale"
            error={errors.locale}
            hint={
              <>
                <span className="setting__meaning">
                  The clinic&apos;s language and region, e.g. fr-FR, de-DE, en-GB, en-US: it sets the order of day and month and the 12- or
                  24-hour clock.
                </span>
                <span className="setting__default" data-testid="default-locale">
                  Default: <strong>{settings.defaultLocale}</strong>, from the clinic&apos;s time zone {settings.timeZone}. Empty keeps the
                  default.
                </span>
                <span data-testid="locale-example">{shown ? `Reads: ${shown}` : 'Not a locale yet'}</span>
              </>
            }
          >
            <input
              type="text"
              list={listId}
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={settings.defaultLocale}
              autoComplete="off"
              spellCheck={false}
              data-testid="setting-locale"
            />
          </FormField>
          <datalist id={listId}>
            {SUGGESTED.map((tag) => (
              <option key={tag} value={tag} />
            ))}
          </datalist>
        </div>
      </div>
      <FormActions busy={busy} label="Save" testId="save-locale">
        {typed !== '' && (
          <button type="button" className="button button--quiet" onClick={() => setText('')} data-testid="reset-locale">
            Use the default ({settings.defaultLocale})
          </button>
        )}
      </FormActions>
      {savedNote && (
        <p className="notice notice--ok settings-saved" role="status" data-testid="saved-locale">
          <span aria-hidden="true">✔ </span>
          {savedNote}
        </p>
      )}
    </form>
  );
}
